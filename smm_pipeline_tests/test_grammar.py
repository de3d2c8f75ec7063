"""The sentence grammar: phrasing in, facts out.

Each row is a sentence as a report could write it (the seed's and samples' phrasings, the issue's, and
variants of them) and every fact it states, as (segment, metric, period, measure, value). The report
month is July 2025, so "next month" is August.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline import catalogue
from smm_pipeline.extraction import _scope
from smm_pipeline.grammar import SentenceResult, paragraph_opening_period, read_sentence

Row = tuple[str, str, str, str, float]


def read(text: str, product: str = "copper_cathode", month: str = "2025-07") -> SentenceResult:
    scope = _scope(catalogue.get(product), month, f"{month[:5]}{int(month[5:]) + 1:02d}")
    return read_sentence(text, scope, paragraph_opening_period(text, scope))


def facts(text: str, product: str = "copper_cathode") -> set[Row]:
    return {(r.segment, r.metric, r.period, r.measure, round(r.value, 6)) for r in read(text, product).readings}


P, OR = "production", "operating_rate"

CASES: list[tuple[str, str, set[Row]]] = [
    # --- levels with MoM/YoY in % and tonnes ------------------------------------------------------
    ("copper_cathode", "In July, SMM's China copper cathode production surged by 39,400 mt MoM, representing a 3.47% "
     "increase, and up 14.21% YoY.",
     {("", P, "2025-07", "mom_abs", 39400), ("", P, "2025-07", "mom_pct", 3.47), ("", P, "2025-07", "yoy_pct", 14.21)}),
    ("copper_cathode", "Output came in at 812,300 mt in March, down 2.1% month on month and 4.6% year on year.",
     {("", P, "2025-03", "level", 812300), ("", P, "2025-03", "mom_pct", -2.1), ("", P, "2025-03", "yoy_pct", -4.6)}),
    ("copper_cathode", "In June, output came in at 812,300 mt, down 2.1% month on month and 4.6% year on year.",
     {("", P, "2025-06", "level", 812300), ("", P, "2025-06", "mom_pct", -2.1), ("", P, "2025-06", "yoy_pct", -4.6)}),
    ("copper_cathode", "Production was 1.0135 million mt in July, up 31,200 mt MoM (2.95%).",
     {("", P, "2025-07", "level", 1013500), ("", P, "2025-07", "mom_abs", 31200),
      ("", P, "2025-07", "mom_pct", 2.95)}),
    ("copper_cathode", "Output rose by 31,200 mt MoM (2.95%) to 1.0135 million mt.",
     {("", P, "2025-07", "mom_abs", 31200), ("", P, "2025-07", "mom_pct", 2.95), ("", P, "2025-07", "level", 1013500)}),
    ("copper_cathode", "July output recorded a rise of 6,500 mt or 0.7% month-on-month.",
     {("", P, "2025-07", "mom_abs", 6500), ("", P, "2025-07", "mom_pct", 0.7)}),
    ("copper_cathode", "Output posted a fall of 6,500 mt, or 0.7%, on the month.",
     {("", P, "2025-07", "mom_abs", -6500), ("", P, "2025-07", "mom_pct", -0.7)}),
    ("copper_cathode", "Output climbed 5.02% on the month.", {("", P, "2025-07", "mom_pct", 5.02)}),
    ("copper_cathode", "Output climbed 5.02% on the month and 3.1% on the year.",
     {("", P, "2025-07", "mom_pct", 5.02), ("", P, "2025-07", "yoy_pct", 3.1)}),
    ("copper_cathode", "Output rose 3.2% from a year earlier.", {("", P, "2025-07", "yoy_pct", 3.2)}),
    ("copper_cathode", "Output was 2.3% lower than a year ago.", {("", P, "2025-07", "yoy_pct", -2.3)}),
    ("copper_cathode", "In May, output was up 5.02% from April.", {("", P, "2025-05", "mom_pct", 5.02)}),
    ("copper_cathode", "Output was up 5.02% from June.", {("", P, "2025-07", "mom_pct", 5.02)}),
    ("copper_cathode", "Output was 2.06% above last July's level.", {("", P, "2025-07", "yoy_pct", 2.06)}),
    ("copper_cathode", "February output dropped to 13,400 mt, down 1,900 mt or 12.37% from the revised January "
     "level, and was 10.14% higher YoY.",
     {("", P, "2025-02", "level", 13400), ("", P, "2025-02", "mom_abs", -1900), ("", P, "2025-02", "mom_pct", -12.37),
      ("", P, "2025-02", "yoy_pct", 10.14)}),
    ("copper_cathode", "Output was 1,096,800 mt, down 20,500 mt MoM (1.84%) but 138,500 mt or 14.46% higher from a "
     "year earlier.",
     {("", P, "2025-07", "level", 1096800), ("", P, "2025-07", "mom_abs", -20500), ("", P, "2025-07", "mom_pct", -1.84),
      ("", P, "2025-07", "yoy_abs", 138500), ("", P, "2025-07", "yoy_pct", 14.46)}),
    # --- sign from language ----------------------------------------------------------------------------
    ("copper_cathode", "Output decreased by 4.5% YoY.", {("", P, "2025-07", "yoy_pct", -4.5)}),
    ("copper_cathode", "Output dropped back slightly by 2% MoM.", {("", P, "2025-07", "mom_pct", -2)}),
    ("copper_cathode", "Output edged down 0.4% MoM.", {("", P, "2025-07", "mom_pct", -0.4)}),
    ("copper_cathode", "Output posted a dual decline, down 3% MoM and 5% YoY.",
     {("", P, "2025-07", "mom_pct", -3), ("", P, "2025-07", "yoy_pct", -5)}),
    ("copper_cathode", "Output shed 2,300 mt MoM.", {("", P, "2025-07", "mom_abs", -2300)}),
    ("copper_cathode", "The operating rate was 88.19%, down 0.38 percentage points MoM.",
     {("", OR, "2025-07", "level", 88.19), ("", OR, "2025-07", "mom_pp", -0.38)}),
    ("copper_cathode", "The sample operating rate fell 1.2 percentage points MoM to 85.1% in July.",
     {("", OR, "2025-07", "mom_pp", -1.2), ("", OR, "2025-07", "level", 85.1)}),
    ("copper_cathode", "Output fell 3.24% MoM and rose 3.97% YoY, with the operating rate down 2.08 percentage "
     "points.",
     {("", P, "2025-07", "mom_pct", -3.24), ("", P, "2025-07", "yoy_pct", 3.97), ("", OR, "2025-07", "mom_pp", -2.08)}),
    # --- time: forecasts and stated bases ------------------------------------------------------------
    ("copper_cathode", "Looking ahead to August, output is expected to rise by 1.2% MoM.",
     {("", P, "2025-08", "mom_pct", 1.2)}),
    ("copper_cathode", "Entering August, SMM expects output of 1.05 million mt.",
     {("", P, "2025-08", "level", 1050000)}),
    ("copper_cathode", "SMM forecasts that domestic copper cathode production in August will decrease by 6,000 mt "
     "MoM, a decline of 0.51%, and increase by 154,800 mt YoY, a rise of 15.27%.",
     {("", P, "2025-08", "mom_abs", -6000), ("", P, "2025-08", "mom_pct", -0.51), ("", P, "2025-08", "yoy_abs", 154800),
      ("", P, "2025-08", "yoy_pct", 15.27)}),
    ("copper_cathode", "August output is projected at 943,700 mt, up 27,900 mt or 3.05% month on month and 11.4% "
     "year on year.",
     {("", P, "2025-08", "level", 943700), ("", P, "2025-08", "mom_abs", 27900), ("", P, "2025-08", "mom_pct", 3.05),
      ("", P, "2025-08", "yoy_pct", 11.4)}),
    ("copper_cathode", "SMM expects August output to fall 0.5% MoM but rise 15.3% YoY.",
     {("", P, "2025-08", "mom_pct", -0.5), ("", P, "2025-08", "yoy_pct", 15.3)}),
    ("copper_cathode", "Production in June was 680 mt, and July production rose to 759 mt.",
     {("", P, "2025-06", "level", 680), ("", P, "2025-07", "level", 759)}),
    # --- year to date --------------------------------------------------------------------------------
    ("copper_cathode", "In the first nine months of 2021, output added up to 6.71 million mt, up 2.88% from the same "
     "period a year before.",
     {("", P, "2021-09", "ytd_level", 6710000), ("", P, "2021-09", "ytd_yoy_pct", 2.88)}),
    ("copper_cathode", "The cumulative production from January to July increased by 820,800 mt YoY, marking an "
     "11.82% increase.",
     {("", P, "2025-07", "ytd_yoy_abs", 820800), ("", P, "2025-07", "ytd_yoy_pct", 11.82)}),
    ("copper_cathode", "Jan-Aug output is expected to total 9.1 million mt, an increase of 420,000 mt YoY.",
     {("", P, "2025-08", "ytd_level", 9100000), ("", P, "2025-08", "ytd_yoy_abs", 420000)}),
    ("copper_cathode", "In January-May, output rose 4.1% YoY to 5.2 million mt.",
     {("", P, "2025-05", "ytd_yoy_pct", 4.1), ("", P, "2025-05", "ytd_level", 5200000)}),
    ("copper_cathode", "H1 output reached 6.5 million mt, up 3% YoY.",
     {("", P, "2025-06", "ytd_level", 6500000), ("", P, "2025-06", "ytd_yoy_pct", 3)}),
    ("copper_cathode", "Q1-Q3 output was 9.9 million mt.", {("", P, "2025-09", "ytd_level", 9900000)}),
    ("copper_cathode", "With Jan-Feb output expected to rise by 12.72% YoY.",
     {("", P, "2025-02", "ytd_yoy_pct", 12.72)}),
    # --- expectations ----------------------------------------------------------------------------------
    ("copper_cathode", "Production beat expectations by 5,200 mt.",
     {("basis:vs_expected", P, "2025-07", "level", 5200)}),
    ("copper_cathode", "Production exceeded expectations by 10,100 mt.",
     {("basis:vs_expected", P, "2025-07", "level", 10100)}),
    ("copper_cathode", "Output fell short of market expectations by 2,000 mt.",
     {("basis:vs_expected", P, "2025-07", "level", -2000)}),
    ("copper_cathode", "Output of 1.0334 million mt was 7,300 mt above the expected 1.0261 million mt.",
     {("", P, "2025-07", "level", 1033400), ("basis:vs_expected", P, "2025-07", "level", 7300),
      ("basis:expected", P, "2025-07", "level", 1026100)}),
    ("copper_cathode", "Output came in 300 mt below the expected 24,200 mt.",
     {("basis:vs_expected", P, "2025-07", "level", -300), ("basis:expected", P, "2025-07", "level", 24200)}),
    ("copper_cathode", "Output exceeded the expected 27,100 mt by 400 mt.",
     {("basis:expected", P, "2025-07", "level", 27100), ("basis:vs_expected", P, "2025-07", "level", 400)}),
    ("copper_cathode", "Output was 3,000 mt lower than expected.",
     {("basis:vs_expected", P, "2025-07", "level", -3000)}),
    ("silicon_metal", "Output was about 291,800 mt, in line with the 290,000-300,000 mt SMM expected a month earlier.",
     {("", P, "2025-07", "level", 291800), ("basis:expected", P, "2025-07", "level", 290000)}),
    # --- segments ---------------------------------------------------------------------------------------
    ("copper_cathode", "Among them, the operating rate of large smelters was 91.12%, up 3.6 percentage points MoM; "
     "the operating rate of medium-sized smelters was 85.62%, up 0.75 percentage points MoM; and the operating rate "
     "of small smelters was 67.28%, down 2.09 percentage points MoM.",
     {("size:large", OR, "2025-07", "level", 91.12), ("size:large", OR, "2025-07", "mom_pp", 3.6),
      ("size:medium", OR, "2025-07", "level", 85.62), ("size:medium", OR, "2025-07", "mom_pp", 0.75),
      ("size:small", OR, "2025-07", "level", 67.28), ("size:small", OR, "2025-07", "mom_pp", -2.09)}),
    ("copper_cathode", "Among them, the operating rate of large smelters was 91.12%, medium-sized 85.62% and small "
     "67.28%.",
     {("size:large", OR, "2025-07", "level", 91.12), ("size:medium", OR, "2025-07", "level", 85.62),
      ("size:small", OR, "2025-07", "level", 67.28)}),
    ("copper_cathode", "The sample operating rate is expected to ease to 84.30%, with large, medium-sized and small "
     "smelters expected to run at 88.20%, 81.90% and 56.78%, respectively.",
     {("", OR, "2025-08", "level", 84.30), ("size:large", OR, "2025-08", "level", 88.20),
      ("size:medium", OR, "2025-08", "level", 81.90), ("size:small", OR, "2025-08", "level", 56.78)}),
    ("copper_cathode", "The operating rate of smelters using copper concentrates was 92.3%, while the operating rate "
     "of smelters not using copper concentrates was 68.5%.",
     {("feed:concentrate", OR, "2025-07", "level", 92.3), ("feed:non_concentrate", OR, "2025-07", "level", 68.5)}),
    ("copper_cathode", "Smelters fed with copper concentrate ran at 90.85%, while those running on scrap or anode ran "
     "at 67.05%.",
     {("feed:concentrate", OR, "2025-07", "level", 90.85), ("feed:non_concentrate", OR, "2025-07", "level", 67.05)}),
    ("npi", "NPI output was 29,100 mt in metal content, down 8.10% MoM, and 240,700 mt in physical content, up 2.11% "
     "MoM.",
     {("content:metal", P, "2025-07", "level", 29100), ("content:metal", P, "2025-07", "mom_pct", -8.10),
      ("content:physical", P, "2025-07", "level", 240700), ("content:physical", P, "2025-07", "mom_pct", 2.11)}),
    ("npi", "NPI output will fall by 6.29% MoM in physical content, while metal content will drop by 7.13%.",
     {("content:physical", P, "2025-08", "mom_pct", -6.29), ("content:metal", P, "2025-08", "mom_pct", -7.13)}),
    ("stainless_steel", "By series, 200-series output was down 5.35%, 300-series output was down 3.47% and "
     "400-series output was down 6.33% MoM.",
     {("series:200", P, "2025-07", "mom_pct", -5.35), ("series:300", P, "2025-07", "mom_pct", -3.47),
      ("series:400", P, "2025-07", "mom_pct", -6.33)}),
    ("stainless_steel", "The 200-, 300- and 400-series accounted for 30.50%, 49.71% and 19.79% of output, "
     "respectively.",
     {("series:200", "share", "2025-07", "level", 30.5), ("series:300", "share", "2025-07", "level", 49.71),
      ("series:400", "share", "2025-07", "level", 19.79)}),
    ("ternary_cathode", "The 8-series and 9-series materials made up 28.29% and 18.43%, respectively.",
     {("series:8", "share", "2025-07", "level", 28.29), ("series:9", "share", "2025-07", "level", 18.43)}),
    ("silicon_metal", "Production in Xinjiang fell by 27,000 mt MoM, while Yunnan added 12,000 mt.",
     {("region:xinjiang", P, "2025-07", "mom_abs", -27000), ("region:yunnan", P, "2025-07", "mom_abs", 12000)}),
    ("silicon_metal", "Xinjiang's output declined 8.2% MoM to 180,000 mt.",
     {("region:xinjiang", P, "2025-07", "mom_pct", -8.2), ("region:xinjiang", P, "2025-07", "level", 180000)}),
    ("silicon_metal", "In the south, Sichuan and Yunnan added a combined 36,000 mt MoM.",
     {("region:sichuan_yunnan", P, "2025-07", "mom_abs", 36000)}),
    ("silicon_metal", "Entering August, banked furnaces in Xinjiang are due to restart and output is expected to "
     "rebound to 310,000-320,000 mt.", {("", P, "2025-08", "level", 310000)}),
    ("refined_zinc", "Smelters in Hunan finish maintenance and new capacity in Henan steps up, so SMM expects refined "
     "zinc output to rise by around 11.8% MoM in August.", {("", P, "2025-08", "mom_pct", 11.8)}),
    ("lithium_carbonate", "By raw material, spodumene-derived output rose 5.00% MoM as integrated plants ran imported "
     "concentrate at high rates; lepidolite-derived output fell 4.07% MoM; and output from recycled material jumped "
     "12.69% MoM.",
     {("source:spodumene", P, "2025-07", "mom_pct", 5), ("source:lepidolite", P, "2025-07", "mom_pct", -4.07),
      ("source:recycling", P, "2025-07", "mom_pct", 12.69)}),
    ("lithium_hydroxide", "In the causticisation sector, due to a slight recovery in orders at some enterprises, "
     "output increased by 8% MoM.", {("stage:causticisation", P, "2025-07", "mom_pct", 8)}),
    ("cobalt_sulphate", "By raw material, cobalt intermediate products made up about 50% of feed, MHP around 21% and "
     "recycled materials roughly 29%.",
     {("raw:cobalt_intermediate", "share", "2025-07", "level", 50), ("raw:mhp", "share", "2025-07", "level", 21),
      ("raw:recycled_materials", "share", "2025-07", "level", 29)}),
    # --- other metrics ----------------------------------------------------------------------------------
    ("primary_aluminum", "The existing capacity stood at approximately 45.62 million mt/year, and operating capacity "
     "was around 43.90 million mt/year.",
     {("", "capacity", "2025-07", "level", 45620000), ("", "operating_capacity", "2025-07", "level", 43900000)}),
    ("primary_aluminum", "The liquid aluminum share rose by 0.76 percentage points MoM to 75.29%.",
     {("form:liquid_aluminum", "share", "2025-07", "mom_pp", 0.76),
      ("form:liquid_aluminum", "share", "2025-07", "level", 75.29)}),
    ("refined_nickel", "Utilisation of domestic refined nickel capacity was around 61%.",
     {("", OR, "2025-07", "level", 61)}),
    ("copper_cathode", "As of July 25, the imported copper concentrate index (weekly) had risen to -$42.63/mt, up "
     "$2.18/mt from June 27.",
     {("item:imported_copper_concentrate_index", "treatment_charge", "2025-07", "level", -42.63),
      ("item:imported_copper_concentrate_index", "treatment_charge", "2025-07", "mom_abs", 2.18)}),
    ("copper_cathode", "As we entered August, only one smelter had a maintenance plan.",
     {("item:smelters_with_maintenance_plans", "producer_count", "2025-08", "level", 1)}),
    ("solar_cell", "Cell output was 58.19GW in July, down 3.2% MoM.",
     {("", P, "2025-07", "level", 58.19), ("", P, "2025-07", "mom_pct", -3.2)}),
    # --- phrasings of other months' reports (numbers invented) --------------------------------------
    ("copper_cathode", "July copper cathode production grew by 11,300 mt MoM, up 0.98%, and rose 9.4% YoY.",
     {("", P, "2025-07", "mom_abs", 11300), ("", P, "2025-07", "mom_pct", 0.98), ("", P, "2025-07", "yoy_pct", 9.4)}),
    ("refined_zinc", "Refined zinc output stood at 512,000 mt in July, falling 9,800 mt or down 1.88% on month and "
     "up 3.1% on year.",
     {("", P, "2025-07", "level", 512000), ("", P, "2025-07", "mom_abs", -9800), ("", P, "2025-07", "mom_pct", -1.88),
      ("", P, "2025-07", "yoy_pct", 3.1)}),
    ("refined_zinc", "Output reached 489.5 kt in July, up 1.2% on-month and 7.7% on-year.",
     {("", P, "2025-07", "level", 489500), ("", P, "2025-07", "mom_pct", 1.2), ("", P, "2025-07", "yoy_pct", 7.7)}),
    ("refined_zinc", "Output is expected to decrease 52,000 mt to 498,000 mt in August.",
     {("", P, "2025-08", "mom_abs", -52000), ("", P, "2025-08", "level", 498000)}),
    ("copper_cathode", "The output grew 15,600 mt compared with the expected 1.03 million mt.",
     {("basis:vs_expected", P, "2025-07", "level", 15600), ("basis:expected", P, "2025-07", "level", 1030000)}),
    ("copper_cathode", "The output totalled 7.12 million mt from January to July, an increase of 512,000 mt or 7.75% "
     "year on year.",
     {("", P, "2025-07", "ytd_level", 7120000), ("", P, "2025-07", "ytd_yoy_abs", 512000),
      ("", P, "2025-07", "ytd_yoy_pct", 7.75)}),
    ("copper_cathode", "Output is likely to rise 1.1% on the month to 1.18 million mt in August, and January-to-August "
     "output is likely to increase 8.2% on the year to 8.6 mln t.",
     {("", P, "2025-08", "mom_pct", 1.1), ("", P, "2025-08", "level", 1180000), ("", P, "2025-08", "ytd_yoy_pct", 8.2),
      ("", P, "2025-08", "ytd_level", 8600000)}),
    ("copper_cathode", "Copper concentrate inventories at major domestic ports fell from 640,100 mt at June-end to "
     "612,300 mt at July-end.",
     {("item:copper_concentrate_port_inventory", "inventory", "2025-06", "level", 640100),
      ("item:copper_concentrate_port_inventory", "inventory", "2025-07", "level", 612300)}),
    ("copper_cathode", "The SMM Imported Copper Concentrates Index stood at -$38.10/mt, up $1.05/mt MoM.",
     {("item:imported_copper_concentrate_index", "treatment_charge", "2025-07", "level", -38.10),
      ("item:imported_copper_concentrate_index", "treatment_charge", "2025-07", "mom_abs", 1.05)}),
    ("primary_aluminum", "The share of aluminium liquid output rose by 1.2 percentage points MoM to about 76.10%.",
     {("form:liquid_aluminum", "share", "2025-07", "mom_pp", 1.2),
      ("form:liquid_aluminum", "share", "2025-07", "level", 76.10)}),
    ("npi", "China produced 29.4 kt of NPI (in Ni metal) in July, down 3.1% m-o-m.",
     {("content:metal", P, "2025-07", "level", 29400), ("content:metal", P, "2025-07", "mom_pct", -3.1)}),
    ("npi", "High-NPI output was 25.1 kt, down 2.2% m-o-m, and low NPI output was 4.3 kt, up 1.5% m-o-m.",
     {("grade:high_grade", P, "2025-07", "level", 25100), ("grade:high_grade", P, "2025-07", "mom_pct", -2.2),
      ("grade:low_grade", P, "2025-07", "level", 4300), ("grade:low_grade", P, "2025-07", "mom_pct", 1.5)}),
    ("nickel_sulphate", "Output was up 12.1% from a year ago and 2.3% from a month ago.",
     {("", P, "2025-07", "yoy_pct", 12.1), ("", P, "2025-07", "mom_pct", 2.3)}),
    ("lithium_carbonate", "The total production of recycled lithium carbonate in July was 6,120 mt, up 2.4% MoM.",
     {("source:recycling", P, "2025-07", "level", 6120), ("source:recycling", P, "2025-07", "mom_pct", 2.4)}),
    ("lithium_carbonate", "The total production of lithium carbonate from salt lakes decreased by 4% MoM.",
     {("source:salt_lake", P, "2025-07", "mom_pct", -4)}),
    ("lithium_carbonate", "Recycling output rose 9.5%, while spodumene output grew 3.1% MoM.",
     {("source:recycling", P, "2025-07", "mom_pct", 9.5), ("source:spodumene", P, "2025-07", "mom_pct", 3.1)}),
    # --- a breakdown named earlier and referred back to; contributions; "May" the month ----------------
    ("copper_cathode", "Production at smelters not using copper concentrates declined due to tight scrap supply, as "
     "reflected in their lower operating rate (68.9% in May, down 3 percentage points).",
     {("feed:non_concentrate", OR, "2025-05", "level", 68.9), ("feed:non_concentrate", OR, "2025-05", "mom_pp", -3)}),
    ("copper_cathode", "Large smelters ran harder, and their operating rate rose to 91.2% in July.",
     {("size:large", OR, "2025-07", "level", 91.2)}),
    ("copper_cathode", "Entering August, smelters that had undergone maintenance resumed production, contributing an "
     "additional 51,400 mt.", set()),
    ("copper_cathode", "Restarts bring an extra 20,000 mt, and output is expected to rise 2.1% MoM in August.",
     {("", P, "2025-08", "mom_pct", 2.1)}),
    ("copper_cathode", "(SMM increased capacity of the survey samples by a combined 90,000 mt.)",
     {("sample:surveyed", "capacity", "2025-07", "mom_abs", 90000)}),
    ("lithium_carbonate", "Scrap-derived lithium carbonate: Total production in September increased 7% MoM.",
     {("source:recycling", P, "2025-09", "mom_pct", 7)}),
    ("indonesia_npi", "Indonesia produced 117,900 mt (Ni content) of NPI in July, up 3.51% MoM and 23.9% YoY.",
     {("content:metal", P, "2025-07", "level", 117900), ("content:metal", P, "2025-07", "mom_pct", 3.51),
      ("content:metal", P, "2025-07", "yoy_pct", 23.9)}),
    ("npi", "High-grade NPI was 225,000 mt in physical content; low-grade NPI was 437,000 mt in physical content "
     "(down 30,000 mt in physical content).",
     {("grade:high_grade", P, "2025-07", "level", 225000), ("grade:low_grade", P, "2025-07", "level", 437000),
      ("grade:low_grade", P, "2025-07", "mom_abs", -30000)}),
    ("copper_cathode", "The total capacity of the survey is 12.575 million mt/year.",
     {("sample:surveyed", "capacity", "2025-07", "level", 12575000)}),
    ("copper_cathode", "In July, China imported 2.574 million mt of copper concentrates, up 18.9% MoM, down 4.6% YoY.",
     {("", "imports", "2025-07", "level", 2574000), ("", "imports", "2025-07", "mom_pct", 18.9),
      ("", "imports", "2025-07", "yoy_pct", -4.6)}),
]


@pytest.mark.parametrize(("product", "text", "expected"), CASES, ids=[c[1][:60] for c in CASES])
def test_phrasing_gives_exactly_its_facts(product: str, text: str, expected: set[Row]) -> None:
    assert facts(text, product) == expected


@pytest.mark.parametrize(("text", "qualifier", "high"), [
    ("Output was approximately 1.2 million mt, nearly 3% higher MoM.", "approx", None),
    ("Output exceeded 1.3 million mt.", "over", None),
    ("Output was below 1 million mt.", "under", None),
    ("August output will likely be 1.15-1.17 million mt.", "range", 1170000),
])
def test_qualifiers_reach_the_fact(text: str, qualifier: str, high: float | None) -> None:
    first = read(text).readings[0]
    assert (first.qualifier, first.value_high) == (qualifier, high)


@pytest.mark.parametrize(("text", "reason"), [
    ("The most-traded SHFE lead contract fell below the 16,800 yuan/mt mark.", "context:"),
    ("The average premiums for Jinchuan nickel were 2,100 yuan/mt, down 500 yuan/mt MoM.", "context:"),
    ("Spot trading volume decreased by 10%-20%.", "context:"),
    ("Output in Q3 is expected to reach 3.3 million mt.", "context:"),
    ("Tomago consumes about 125 kilometers of cable.", "context:"),
    ("The domestic daily average output was flat MoM at 114,900 mt.", "context:"),
    ("The weekly production of sampled plants in Xinjiang was 31,570 mt, up 2% WoW.", "context:"),
])
def test_numbers_that_are_not_facts_say_why(text: str, reason: str) -> None:
    result = read(text)
    assert not result.readings
    assert result.unread and all(reason in why for _, why in result.unread)


def test_an_unlabelled_change_is_unread_and_its_labelled_sibling_kept() -> None:
    result = read("Silicon metal production increased by 3.2% YoY but decreased by 30.6%.", "silicon_metal")
    assert [(r.measure, r.value) for r in result.readings] == [("yoy_pct", 3.2)]
    assert [(q.text, why) for q, why in result.unread] == [("30.6%", "a change with no MoM/YoY label")]


def test_provenance_spans_are_the_written_number() -> None:
    text = "Output came in at 812,300 mt in March, down 2.1% month on month."
    assert {text[r.start:r.end] for r in read(text).readings} == {"812,300 mt", "2.1%"}


# --- directions ---------------------------------------------------------------------------------------

def directions(text: str, product: str = "copper_cathode") -> set[tuple[str, str, float]]:
    return {(d.period, d.measure, d.value) for d in read(text, product).directions}


@pytest.mark.parametrize(("product", "text", "expected"), [
    ("emm", "In July, EMM production exhibited a dual decline, with a decrease both MoM and YoY.",
     {("2025-07", "mom_dir", -1), ("2025-07", "yoy_dir", -1)}),
    ("copper_cathode", "Production in July increased slightly MoM.", {("2025-07", "mom_dir", 1)}),
    ("stainless_steel", "Stainless steel production will stop falling and rebound in August.",
     {("2025-08", "mom_dir", 1)}),
    ("copper_cathode", "Production is expected to remain stable in August.", {("2025-08", "mom_dir", 0)}),
    ("refined_bismuth", "Refined bismuth production remaining stable or continuing to drop back slightly in August.",
     {("2025-08", "mom_dir", 0)}),
    ("alumina", "Entering August, output is expected to ease to around 7.45 million mt.", {("2025-08", "mom_dir", -1)}),
    ("copper_cathode", "Looking ahead to August, production will show a slight YoY increase.",
     {("2025-08", "yoy_dir", 1)}),
    ("copper_cathode", "August output is forecast to be flat MoM.", {("2025-08", "mom_dir", 0)}),
])
def test_direction_only_statements(product: str, text: str, expected: set[tuple[str, str, float]]) -> None:
    assert directions(text, product) == expected


@pytest.mark.parametrize("text", [
    "Output rose by 5% MoM.",  # the number is the fact
    "Output was 2.3% lower from a year earlier.",
    "The operating rate saw a rebound in July.",  # not production
    "Demand for copper increased in July.",
    "Output in Xinjiang rose in July.",  # a breakdown
    "Jinchuan's output fell in July.",  # one company
    "Output fell short of expectations in July.",
    "The possibility of a rebound in production is relatively small.",
])
def test_no_direction_where_a_number_breakdown_or_other_subject_rules(text: str) -> None:
    assert directions(text, "silicon_metal") == set()


# --- properties ---------------------------------------------------------------------------------------

UP = ["rose", "increased", "climbed", "grew", "was up", "jumped", "edged up"]
DOWN = ["fell", "decreased", "declined", "dropped", "was down", "slid", "edged down"]


@given(st.sampled_from(UP), st.sampled_from(DOWN), st.integers(1, 9999), st.sampled_from(["MoM", "YoY"]))
def test_up_and_down_give_opposite_signs(up: str, down: str, hundredths: int, marker: str) -> None:
    value = f"{hundredths / 100:.2f}%"
    rise = read(f"Output {up} by {value} {marker}.").readings
    fall = read(f"Output {down} by {value} {marker}.").readings
    assert len(rise) == len(fall) == 1
    assert rise[0].value == -fall[0].value == pytest.approx(hundredths / 100)
    assert rise[0].measure == fall[0].measure == f"{marker.lower()}_pct"


@given(st.integers(1, 99_999), st.sampled_from(["mt", "million mt"]))
def test_a_level_is_read_whatever_its_size(units: int, unit: str) -> None:
    figure = f"{units:,}" if unit == "mt" else f"{units / 1000:.3f}"
    (reading,) = read(f"July output was {figure} {unit}.").readings
    scale = 1 if unit == "mt" else 1_000_000
    assert reading.measure == "level" and reading.value == pytest.approx(float(figure.replace(",", "")) * scale)

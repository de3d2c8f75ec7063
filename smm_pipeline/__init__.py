"""smm_pipeline."""

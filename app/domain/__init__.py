"""The product's judgement in plain Python: no Qt, no SQL, no pandas, deterministic."""

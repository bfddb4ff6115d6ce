"""Members' usage rules: the model, the DPV taxonomy, the engine, ODRL in and out."""

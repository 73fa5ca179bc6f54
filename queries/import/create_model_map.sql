-- Raw model names of one import run mapped to canonical ids (filled from the price catalog's aliases).
CREATE OR REPLACE TEMP TABLE model_map (model_raw VARCHAR, model VARCHAR)

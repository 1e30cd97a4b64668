"""The fronts: each serves one wire format over the same domain, through one request pipeline
(``pipeline.py``). ``native`` is the JSON API with its OpenAPI document. A front parses its wire,
runs one operation through the pipeline and renders the result and errors in its own envelope;
fronts never import each other."""

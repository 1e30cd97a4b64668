"""The baseline for bench/engine.py: the smallest Flask JSON endpoint, served by the same gunicorn
gthread settings as ``mockplatform serve``.

    python -m gunicorn -k gthread --workers 2 --threads 4 -b 127.0.0.1:8001 bench.bare_app:app
"""

from flask import Flask

app = Flask("bare")


@app.get("/ping")
def ping():
    return {"ok": True}

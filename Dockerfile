# Production image of gotc (not built in this project's CI: these machines run no Docker
# engine). One image serves every role: web (gunicorn), mail worker, migrations.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=gotc.settings

WORKDIR /app
RUN useradd --create-home --uid 1000 gotc

COPY pyproject.toml README.md ./
COPY gotc gotc
COPY agenda agenda
COPY registration registration
RUN pip install .

COPY . .
# Translations and hashed, compressed static files are built into the image.
RUN python -m gotc.compile_translations \
    && DEBUG=0 SECRET_KEY=build-only SITE_URL=https://build.invalid python manage.py collectstatic --noinput \
    && chown -R gotc /app
USER gotc

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["gunicorn", "gotc.wsgi", "-c", "gunicorn.conf.py"]

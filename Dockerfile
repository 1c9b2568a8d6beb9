# The production-like image: gunicorn serves the platform; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend ./frontend
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --no-cache-dir -r requirements/lock.txt
COPY . .
COPY --from=frontend /src/static/dist ./static/dist
RUN pip install --no-cache-dir --no-deps -e . \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --uid 10001 asye && mkdir -p /app/media /backups && chown asye /app/media /backups
USER asye
EXPOSE 8000
CMD ["gunicorn", "asye.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

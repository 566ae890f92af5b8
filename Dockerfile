# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=jinbao_service.settings.production \
    JINBAO_VAR_DIR=/var/lib/jinbao

# WeasyPrint needs Pango and HarfBuzz; gettext compiles the English catalogue; python-ldap (directory
# login) links libldap and libsasl2 and is built from source (gcc and the -dev headers, removed after).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
        libharfbuzz-subset0 fontconfig gettext libldap-2.5-0 libsasl2-2 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends gcc libldap2-dev libsasl2-dev \
 && pip install --no-cache-dir -c requirements/constraints.txt -e . \
 && apt-get purge -y gcc libldap2-dev libsasl2-dev && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
 && python manage.py compilemessages --ignore=var -v 0 \
 && SECRET_KEY=build-only-$(python -c "import secrets; print(secrets.token_hex(32))") ALLOWED_HOSTS=build \
    EMAIL_URL=smtp://build AUDIT_KEY=build-only-$(python -c "import secrets; print(secrets.token_hex(32))") \
    python manage.py collectstatic --noinput -v 0 \
 && useradd --system --home /var/lib/jinbao jinbao \
 && mkdir -p /var/lib/jinbao/media && chown -R jinbao /var/lib/jinbao

USER jinbao
EXPOSE 8000
CMD ["gunicorn", "jinbao_service.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]

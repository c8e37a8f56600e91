# newsdesk on the official Airflow image: the project is installed (editable) into the
# image's Python, so the DAGs' tasks import `newsdesk` on every worker; docker-compose.yml
# mounts dags/, plugins/, include/ and templates/ over the copy for development.
FROM apache/airflow:3.3.2-python3.11

USER root
COPY --chown=airflow:0 . /opt/newsdesk
USER airflow

# Pin Airflow to the image's version so that installing newsdesk never up- or downgrades it
# (https://airflow.apache.org/docs/docker-stack/build.html).
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -e /opt/newsdesk

ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/newsdesk/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/newsdesk/plugins \
    NEWSDESK_SOURCES=/opt/newsdesk/include/sources/unpan.yaml \
    NEWSDESK_TEMPLATES=/opt/newsdesk/templates \
    NEWSDESK_STATE_DIR=/opt/airflow/newsdesk-state

"""The Airflow peer of the orchestrator: one DAG run deletes one tenant from every service instance of a fleet.

Tasks come from the instances file the bench writes into AIRFLOW_HOME (id, serviceType, baseUrl, dependsOn); an
instance is deleted before the instances it depends on, the order bench/raw-sql-delete.ts and the orchestrator keep.
The run's conf carries the tenant and the service tokens, {"tenantId", "traceId", "tokens": {serviceType: jwt}}:
minted by the caller with a short lifetime, masked in the task logs and never printed here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import timedelta
from pathlib import Path

from airflow.exceptions import AirflowFailException
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from airflow.sdk.log import mask_secret

from service_deletion import DeletionRefused, delete_tenant, idempotency_key

DAG_ID = "tenant_deletion"
INSTANCES_FILE = Path(os.environ.get("AIRFLOW_HOME", "~/airflow")).expanduser() / "tenant-deletion-instances.json"

log = logging.getLogger(__name__)


def delete_instance(instance: dict, dag_run, **_context) -> int:
    conf = dag_run.conf
    token = conf["tokens"][instance["serviceType"]]
    mask_secret(token)
    key = idempotency_key(dag_run.run_id, instance["id"])
    try:
        rows = delete_tenant(instance["baseUrl"], conf["tenantId"], token, key, conf.get("traceId", key))
    except DeletionRefused as refusal:
        raise AirflowFailException(str(refusal)) from refusal
    log.info("%s deleted %d rows", instance["id"], rows)
    return rows


instances_text = INSTANCES_FILE.read_text()
instances = json.loads(instances_text)

with DAG(
    dag_id=DAG_ID,
    schedule=None,
    catchup=False,
    is_paused_upon_creation=False,
    # Which instances file this version was parsed from, so a caller can wait for the version it wrote.
    description=f"tenant deletion; instances {hashlib.sha256(instances_text.encode()).hexdigest()[:16]}",
    default_args={
        "retries": 3,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": True,
        "execution_timeout": timedelta(minutes=30),
    },
) as dag:
    tasks = {
        instance["id"]: PythonOperator(
            task_id=instance["id"], python_callable=delete_instance, op_kwargs={"instance": instance}
        )
        for instance in instances
    }
    for instance in instances:
        for needed in instance["dependsOn"]:
            tasks[instance["id"]] >> tasks[needed]

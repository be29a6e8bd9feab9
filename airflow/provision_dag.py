"""airflow/provision_dag.py: the Airflow DAG that Stratus's airflow executor
triggers for a provisioning request (STRATUS_EXECUTOR=airflow).

Stratus creates the DAG run "stratus-<request_id>" through the stable REST
API with the request as its conf:

    {"request_id", "cloud_provider", "provider_config", "instance_name_prefix", "count"}

and then follows the three task instances below, which have the names of the
tasks of a Stratus run. terraform_apply returns {"instances": [...]} as a JSON
string (its XCom return_value), which Stratus reads back into
GET /status/{request_id}. Retries are Airflow's own: 3, 5 minutes apart, as the
original provisioner had them.

The steps do what Stratus's own terraform executor does (jobs/exec_terraform.c):
a directory per request under STRATUS_WORKDIR, main.tf copied from the module of
the provider under STRATUS_MODULES_DIR (Stratus installs them in
$(datadir)/stratus/terraform), terraform.tfvars.json from the conf, then
terraform init / apply / output -json with TERRAFORM_BIN, each safe to run again.
Set those three as environment variables of the workers (or Airflow Variables).

Install: copy this file into the DAGs folder of the Airflow deployment.
"""
import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.python import PythonOperator

DAG_ID = "stratus_provision"


def setting(name, default):
    return os.environ.get(name) or Variable.get(name, default_var=default)


def workdir(conf):
    rid = conf["request_id"]
    if len(rid) != 36 or any(c not in "0123456789abcdef-" for c in rid):
        raise ValueError("the conf has no request_id")
    return os.path.join(setting("STRATUS_WORKDIR", "/var/lib/stratus/runs"), rid)


def terraform(cwd, *args, capture=False):
    """Runs terraform with only the cloud credentials of the worker's environment."""
    env = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "OCI_"))}
    env.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=cwd, TF_IN_AUTOMATION="1", TF_INPUT="0")
    out = subprocess.run([setting("TERRAFORM_BIN", "terraform"), *args], cwd=cwd, env=env,
                         check=True, text=True, stdout=subprocess.PIPE if capture else None)
    return out.stdout


def tf_vars(conf):
    pc = conf["provider_config"]
    names = {
        "aws": ["region", "instance_type", "subnet_id", "security_group_ids", "ami_id"],
        "oci": ["region", "compartment_id", "availability_domain", "shape", "image_id",
                "subnet_id"],
    }[conf["cloud_provider"]]
    out = {n: pc[n] for n in names}
    out.update(instance_name_prefix=conf["instance_name_prefix"],
               instance_count=int(conf["count"]))
    return out


def prepare_terraform_vars(dag_run=None, **_):
    conf = dag_run.conf
    d = workdir(conf)
    os.makedirs(d, mode=0o700, exist_ok=True)
    module = os.path.join(setting("STRATUS_MODULES_DIR", "/usr/local/share/stratus/terraform"),
                          conf["cloud_provider"], "main.tf")
    shutil.copyfile(module, os.path.join(d, "main.tf"))
    tmp = os.path.join(d, "terraform.tfvars.json.tmp")
    with open(tmp, "w") as f:
        json.dump(tf_vars(conf), f, indent=2)
    os.replace(tmp, os.path.join(d, "terraform.tfvars.json"))


def terraform_init(dag_run=None, **_):
    d = workdir(dag_run.conf)
    if os.path.exists(os.path.join(d, ".stratus-init.done")):
        return
    terraform(d, "init", "-input=false", "-no-color")
    open(os.path.join(d, ".stratus-init.done"), "w").close()


def terraform_apply(dag_run=None, **_):
    d = workdir(dag_run.conf)
    if not os.path.exists(os.path.join(d, ".stratus-apply.done")):
        terraform(d, "apply", "-input=false", "-auto-approve", "-no-color")
        open(os.path.join(d, ".stratus-apply.done"), "w").close()
    outputs = json.loads(terraform(d, "output", "-json", capture=True))
    ids = outputs["instance_ids"]["value"]
    private = outputs.get("private_ips", {}).get("value") or [None] * len(ids)
    public = outputs.get("public_ips", {}).get("value") or [None] * len(ids)
    return json.dumps({"instances": [
        {"instance_id": i, "private_ip": p, "public_ip": q}
        for i, p, q in zip(ids, private, public)]})


with DAG(
    dag_id=DAG_ID,
    description="Stratus provisioning: prepare_terraform_vars >> terraform_init >> terraform_apply",
    start_date=datetime(2024, 1, 1),
    schedule=None,
    catchup=False,
    max_active_runs=16,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=5)},
    tags=["stratus"],
) as dag:
    prepare = PythonOperator(task_id="prepare_terraform_vars", python_callable=prepare_terraform_vars)
    init = PythonOperator(task_id="terraform_init", python_callable=terraform_init)
    apply = PythonOperator(task_id="terraform_apply", python_callable=terraform_apply)
    prepare >> init >> apply

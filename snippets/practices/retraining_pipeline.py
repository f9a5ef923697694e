# /// snippet
# timeout = 40
# ///
"""A nightly retraining pipeline in Dagster, run in-process: extract, validate, train,
evaluate, gate and register (MLflow, SQLite), with retries and outputs keyed by date.

Everything lives in a temporary folder the snippet creates and removes: Dagster's home,
the MLflow database and artefacts, and the "lake" the extract writes to. No Dagster
webserver or daemon: `execute_in_process` runs the job in this Python process.
"""

import os
import tempfile
from pathlib import Path

# Before Dagster and MLflow are imported: no usage telemetry, and Dagster's home (where
# its telemetry switch lives) in a temporary folder rather than ~/.dagster.
workdir = Path(tempfile.mkdtemp(prefix="retrain-"))
(workdir / "dagster_home").mkdir()
(workdir / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
os.environ["DAGSTER_HOME"] = str(workdir / "dagster_home")
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

import atexit  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import warnings  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import dagster as dg  # noqa: E402
import mlflow  # noqa: E402
import mlflow.sklearn  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pandera.pandas as pa  # noqa: E402
import sklearn  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from scipy.stats import rankdata  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from snippets.skills.evaluation.model_comparison import (  # noqa: E402
    decide,
    paired_difference,
)

atexit.register(shutil.rmtree, workdir, ignore_errors=True)  # removed even on failure
for noisy in ("dagster", "mlflow", "alembic", "sqlalchemy"):  # INFO lines go to stderr
    logging.getLogger(noisy).setLevel(logging.WARNING)
warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
LAKE = workdir / "lake"
mlflow.set_tracking_uri(f"sqlite:///{workdir / 'mlflow.db'}")
# Artefacts in the temporary folder too: MLflow's default is ./mlruns in the cwd.
mlflow.create_experiment(
    "loan-default-retraining", artifact_location=(workdir / "artifacts").as_uri()
)
mlflow.set_experiment("loan-default-retraining")
client = MlflowClient()
# What serves; only the deploy pipeline's promotion step edits it.
MODEL = "loan-default"
# What the retraining job registers into. MLflow grants rights per registered model, not per
# alias, so two models let the job's token edit its proposals and only read MODEL.
CANDIDATES = "loan-default-candidates"
FEATURES = ["loan_amount", "income", "debt_to_income", "credit_score", "years_employed"]


def roc_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC from ranks (equal to sklearn's roc_auc_score, fast enough to bootstrap)."""
    ranks = rankdata(scores)
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def day_seed(day: str) -> int:
    return int(day.replace("-", ""))  # the same date always yields the same data


LABEL_DAYS = 90  # the label: did the loan default within 90 days of starting?
# The lender's policy: only these applications become loans, and get an outcome.
APPROVAL = "debt_to_income <= 0.45 and loan_amount <= 0.8 * income"


class Warehouse:
    """The upstream tables, as the extract sees them. A loan's outcome is known only once
    it has had LABEL_DAYS to default, and only approved applications become loans: a
    rejected applicant never gets a label. `complete_through` is the last day loaded.
    Its connection drops now and then: here, the next `drops` calls fail, so a retry is
    certain, not a coin toss."""

    def __init__(self):
        self.drops = 0
        self.complete_through = "2026-11-24"
        self.dti_as_percent = False  # an upstream change, for later

    def loans(self, day: str, n: int = 12_000) -> pd.DataFrame:
        """The loans that started on `day`, with `defaulted` as known so far."""
        if self.drops:
            self.drops -= 1
            raise ConnectionError("warehouse: connection reset by peer")
        rng = np.random.default_rng(day_seed(day))
        income = rng.lognormal(10.8, 0.45, n).round(0)
        dti = rng.beta(2, 5, n).round(3)
        credit = rng.normal(680, 60, n).clip(300, 850).round(0)
        years = rng.exponential(5, n).round(1)
        amount = rng.uniform(2_000, 60_000, n).round(0)
        risk = (
            -2.0
            + 6.0 * (dti - 0.3)
            - 0.02 * (credit - 680)
            + 1.2 * np.log(amount / income + 0.05)
            - 0.1 * years
        )
        defaults = rng.random(n) < 1 / (1 + np.exp(-risk))
        # The day a default happens, counted from the start; known only once it has.
        default_day = pd.Timestamp(day) + pd.to_timedelta(
            rng.integers(1, LABEL_DAYS + 1, n), unit="D"
        )
        known = default_day <= pd.Timestamp(self.complete_through)
        frame = pd.DataFrame(
            {
                "application_id": [f"{day}-{i:05d}" for i in range(n)],
                "loan_amount": amount,
                "income": income,
                "debt_to_income": dti,
                "credit_score": credit,
                "years_employed": years,
                "defaulted": (defaults & known).astype(int),
            }
        )
        frame = frame.query(APPROVAL).reset_index(drop=True)  # loans, not applications
        if self.dti_as_percent:
            frame["debt_to_income"] = (frame["debt_to_income"] * 100).round(1)
        return frame


warehouse = Warehouse()


# --8<-- [start:steps]
# The data contract, small and local: the one in data_contract.py runs its own demo
# when imported, so importing it here would train and serve a model first.
contract = pa.DataFrameSchema(
    {
        "application_id": pa.Column(str, unique=True),
        "loan_amount": pa.Column(float, pa.Check.in_range(1_000, 100_000)),
        "income": pa.Column(float, pa.Check.ge(0)),
        "debt_to_income": pa.Column(float, pa.Check.in_range(0, 1)),  # a ratio
        "credit_score": pa.Column(float, pa.Check.in_range(300, 850)),
        "years_employed": pa.Column(float, pa.Check.ge(0)),
        "defaulted": pa.Column(int, pa.Check.isin([0, 1])),
    },
    strict=True,
)
MARGIN = 0.005  # smallest ROC AUC gain worth a release, fixed before any run
# One partition per day of loans, keyed by the day they started.
daily = dg.DailyPartitionsDefinition(start_date="2026-08-01", timezone="UTC")


def partition_dir(day: str) -> Path:
    path = LAKE / f"date={day}"  # one folder per date: a re-run overwrites it
    path.mkdir(parents=True, exist_ok=True)
    return path


def outcomes_final_on(day: str) -> str:
    return str((pd.Timestamp(day) + pd.Timedelta(days=LABEL_DAYS)).date())


@dg.op(retry_policy=dg.RetryPolicy(max_retries=3, delay=0.01))  # seconds
def extract(context: dg.OpExecutionContext) -> str:
    day = context.partition_key
    if outcomes_final_on(day) > warehouse.complete_through:  # ISO dates sort as text
        # Too early: loans that have not yet had time to default would train as good
        # ones. Retrying cannot help, so this fails at once.
        raise dg.Failure(
            f"date={day}: outcomes are final on {outcomes_final_on(day)}; the warehouse "
            f"is complete through {warehouse.complete_through}",
            allow_retries=False,
        )
    frame = warehouse.loans(day)  # raises on a dropped connection: retried
    path = partition_dir(day) / "loans.csv"
    frame.to_csv(path, index=False)  # overwrite, never append
    return str(path)


@dg.op
def validate(context: dg.OpExecutionContext, path: str) -> pd.DataFrame:
    try:
        return contract.validate(pd.read_csv(path), lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        named = sorted(
            f"{c}: {k}"
            for c, k in set(zip(cases["column"], cases["check"], strict=True))
        )
        where = Path(path).relative_to(LAKE)
        raise dg.Failure(f"{where}: contract failed on {'; '.join(named)}") from None


@dg.op
def train(context: dg.OpExecutionContext, data: pd.DataFrame) -> dict:
    split = len(data) * 2 // 3  # two thirds train; the rest is held out for the gate
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0))
    model.fit(data[FEATURES][:split], data["defaulted"][:split])
    coef = np.concatenate([model[-1].coef_.ravel(), model[-1].intercept_]).round(10)
    return {
        "model": model,
        "holdout": data[split:],
        "fingerprint": hashlib.sha256(coef.tobytes()).hexdigest()[:12],
    }


@dg.op
def evaluate(context: dg.OpExecutionContext, trained: dict) -> dict:
    hold = trained["holdout"]
    # Whatever the alias points to now. (Check its signature first in production, as the
    # registry section does; skops limits what loading can build, not who wrote it.)
    champion = mlflow.sklearn.load_model(f"models:/{MODEL}@champion")
    champion_cols = list(champion.feature_names_in_)  # what the champion was fit on
    difference = paired_difference(
        roc_auc,
        hold["defaulted"].to_numpy(),
        champion.predict_proba(hold[champion_cols])[:, 1],
        trained["model"].predict_proba(hold[FEATURES])[:, 1],
        name="ROC AUC",
        resamples=1000,
        seed=0,
    )
    return {**trained, "difference": difference}


# --8<-- [end:steps]


# --8<-- [start:gate-and-register]
@dg.op(
    out={
        "promote": dg.Out(dict, is_required=False),
        "rejected": dg.Out(str, is_required=False),
    }
)
def gate(context: dg.OpExecutionContext, evaluated: dict):
    decision = decide(evaluated["difference"], MARGIN)
    report = {"difference": str(evaluated["difference"]), "decision": str(decision)}
    (partition_dir(context.partition_key) / "gate.json").write_text(json.dumps(report))
    if decision.verdict == "promote":
        yield dg.Output(evaluated, "promote", metadata=report)
    else:  # the reason goes into the run's event log; register never runs
        yield dg.Output(str(decision), "rejected", metadata=report)


@dg.op
def register(context: dg.OpExecutionContext, evaluated: dict) -> str:
    day, fingerprint = context.partition_key, evaluated["fingerprint"]
    same = client.search_model_versions(
        f"name = '{CANDIDATES}' and tags.fingerprint = '{fingerprint}'"
    )
    if same:  # this exact model is registered already: do not add a copy
        version = same[0].version
    else:
        with mlflow.start_run(run_name=f"retrain-{day}"):
            mlflow.log_metric("holdout_auc_gain", evaluated["difference"].estimate)
            info = mlflow.sklearn.log_model(
                evaluated["model"],
                name="model",
                serialization_format="skops",
                pip_requirements=[f"scikit-learn=={sklearn.__version__}", "skops"],
            )
        version = mlflow.register_model(
            info.model_uri,
            CANDIDATES,
            tags={"data_date": day, "fingerprint": fingerprint},
        ).version
    # The pipeline proposes; it never serves. It registers into CANDIDATES only; the
    # served model changes in the staged rollout, after the canary, run by the deploy
    # pipeline with the only credentials that can edit MODEL.
    client.set_registered_model_alias(CANDIDATES, "candidate", version)
    return str(version)


# --8<-- [end:gate-and-register]


# --8<-- [start:job]
# Dagster logs every step event at DEBUG to stderr; WARNING keeps a terminal readable.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dg.job(partitions_def=daily, config=QUIET)
def retrain():
    trained = train(validate(extract()))
    promote, rejected = gate(evaluate(trained))
    register(promote)


@dg.schedule(job=retrain, cron_schedule="0 3 * * *", execution_timezone="UTC")
def nightly(context: dg.ScheduleEvaluationContext):
    # At 03:00 UTC yesterday is loaded: train on the newest loans whose outcomes are
    # final, those that started LABEL_DAYS before it.
    day = context.scheduled_execution_time.date() - pd.Timedelta(days=1 + LABEL_DAYS)
    return dg.RunRequest(run_key=str(day), partition_key=str(day))


defs = dg.Definitions(jobs=[retrain], schedules=[nightly])  # what `dagster dev` loads
steps = [node.name for node in retrain.nodes_in_topological_order]
print(f"job {retrain.name!r}: {' -> '.join(steps)}")
print(
    f"schedule {nightly.name!r}: {nightly.cron_schedule!r} {nightly.execution_timezone}"
)
# --8<-- [end:job]


# --8<-- [start:champion]
# Serving today: v1, trained before the bureau's credit scores were in the warehouse.
old = warehouse.loans("2026-08-05")  # three weeks older than tonight's loans
old_features = [f for f in FEATURES if f != "credit_score"]
v1 = make_pipeline(StandardScaler(), LogisticRegression()).fit(
    old[old_features], old["defaulted"]
)
with mlflow.start_run(run_name="retrain-2026-08-05"):
    info = mlflow.sklearn.log_model(
        v1,
        name="model",
        serialization_format="skops",
        pip_requirements=[f"scikit-learn=={sklearn.__version__}", "skops"],
    )
mv = mlflow.register_model(info.model_uri, MODEL, tags={"data_date": "2026-08-05"})
client.set_registered_model_alias(MODEL, "champion", mv.version)


def registry() -> str:
    """Each registered model: its versions and where its alias points."""
    described = []
    for name, alias in ((MODEL, "champion"), (CANDIDATES, "candidate")):
        versions = client.search_model_versions(f"name = '{name}'")
        aliases = client.get_registered_model(name).aliases if versions else {}
        moved = f", {alias} -> v{aliases[alias]}" if alias in aliases else ""
        described.append(f"{name}: {len(versions)} version(s){moved}")
    return "; ".join(described)


print("registry before:", registry())

# What the page says of this output, checked on every build:
SERVING_ONLY = "loan-default: 1 version(s), champion -> v1"
assert registry() == f"{SERVING_ONLY}; loan-default-candidates: 0 version(s)"
# --8<-- [end:champion]


# --8<-- [start:scheduled-run]
warehouse.drops = 2  # tonight the first two connections drop
tick = dg.build_schedule_context(
    scheduled_execution_time=datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
)
request = nightly(tick)
at = tick.scheduled_execution_time
print(f"tick at {at:%Y-%m-%d %H:%M} UTC: run for partition {request.partition_key}")
result = retrain.execute_in_process(partition_key=request.partition_key)


def attempts(run: dg.ExecuteInProcessResult, step: str) -> int:
    """Count a step's attempts from the run's event log: 1 + each retry Dagster logged."""
    retries = [
        e
        for e in run.events_for_node(step)
        if e.event_type_value == "STEP_UP_FOR_RETRY"
    ]
    return 1 + len(retries)


def gate_record(run: dg.ExecuteInProcessResult) -> dict[str, str]:
    """The gate's interval and decision, as recorded in the run's event log."""
    for event in run.events_for_node("gate"):
        if event.event_type_value == "STEP_OUTPUT":
            return {k: v.value for k, v in event.step_output_data.metadata.items()}
    raise AssertionError("the gate recorded no decision")


def gate_decision(run: dg.ExecuteInProcessResult) -> str:
    return gate_record(run)["decision"]


print(
    f"run succeeded: {result.success}; extract attempts: {attempts(result, 'extract')}"
)
print(f"gate: {gate_record(result)['difference']}")
print(f"      {gate_decision(result)}")
print(f"registry after: {registry()}")

# What the page says of this output, checked on every build:
assert request.partition_key == "2026-08-26"  # outcomes final yesterday: 90 days on
assert result.success and attempts(result, "extract") == 3  # two drops, two retries
assert gate_decision(result).startswith("PROMOTE")
PROPOSED = f"{SERVING_ONLY}; loan-default-candidates: 1 version(s), candidate -> v1"
assert registry() == PROPOSED  # v1 still serves
# --8<-- [end:scheduled-run]


# --8<-- [start:rollout]
def roll_out(canary_verdict: str) -> str:
    """The last step of the staged rollout, in the deploy pipeline, not the retraining
    job: only if the canary's interval said promote, the candidate is copied into the
    served model (copy_model_version keeps its tags, MLflow 3.18) and `champion` moves."""
    candidate = client.get_model_version_by_alias(CANDIDATES, "candidate")
    if canary_verdict != "promote":
        return f"canary said {canary_verdict}: champion stays"
    served = client.copy_model_version(
        f"models:/{CANDIDATES}/{candidate.version}", MODEL
    )
    client.set_registered_model_alias(MODEL, "champion", served.version)
    client.delete_registered_model_alias(CANDIDATES, "candidate")
    return (
        f"canary said promote: {CANDIDATES} v{candidate.version} copied to "
        f"{MODEL} v{served.version}, champion -> v{served.version}"
    )


# The canary (see the deployment page) compared the candidate with champion v1 on live
# traffic, on intervals.
print(roll_out("tie"))
after_tie = registry()
print(f"registry: {after_tie}")
print(roll_out("promote"))
print(f"registry: {registry()}")

# What the page says of this output, checked on every build:
assert after_tie == PROPOSED  # a tie moves nothing
RELEASED = (
    "loan-default: 2 version(s), champion -> v2; loan-default-candidates: 1 version(s)"
)
assert registry() == RELEASED
# --8<-- [end:rollout]


# --8<-- [start:rerun]
def lake() -> dict[str, str]:
    """Every file the pipeline wrote, with a short hash of its bytes."""
    files = sorted(p for p in LAKE.rglob("*") if p.is_file())
    return {
        p.relative_to(LAKE).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:8]
        for p in files
    }


first = lake()
again = retrain.execute_in_process(partition_key="2026-08-26")  # the same date, again
for name, digest in lake().items():
    print(f"{name:36} {first[name]} -> {digest}")
print(f"gate: {gate_record(again)['difference']}")
print(f"      {gate_decision(again)}")
print(f"register ran: {again.is_node_success('register')}; registry: {registry()}")

# What the page says of this output, checked on every build:
assert set(lake()) == set(first)  # same keys: overwritten, nothing appended
data_file = "date=2026-08-26/loans.csv"
assert lake()[data_file] == first[data_file]  # the same bytes
serving = client.get_model_version_by_alias(MODEL, "champion")
assert again.output_for_node("train")["fingerprint"] == serving.tags["fingerprint"]
assert "difference +0.0000" in gate_record(again)["difference"]  # compared with itself
assert gate_decision(again).startswith("KEEP")
assert registry() == RELEASED  # nothing new registered
# --8<-- [end:rerun]


# --8<-- [start:gate-says-no]
warehouse.complete_through = "2026-11-25"  # the next night
tonight = retrain.execute_in_process(partition_key="2026-08-27")
decision = gate_decision(tonight)
print(f"run succeeded: {tonight.success}")
print(f"gate: {decision}")
print(f"register ran: {tonight.is_node_success('register')}; registry: {registry()}")
report = json.loads((LAKE / "date=2026-08-27" / "gate.json").read_text())
print(f"gate.json: {report['difference']}")
serving = client.get_model_version_by_alias(MODEL, "champion")
print(f"serving: v{serving.version}, trained on loans from {serving.tags['data_date']}")

# What the page says of this output, checked on every build:
assert tonight.success  # a "no" from the gate is an outcome, not a crash
assert not decision.startswith("PROMOTE") and report["decision"] == decision
assert not tonight.is_node_success("register")  # the alias was never touched
assert str(serving.version) == "2" and serving.tags["data_date"] == "2026-08-26"
# --8<-- [end:gate-says-no]


# --8<-- [start:bad-data]
warehouse.complete_through = "2026-11-26"  # two nights after the first
warehouse.dti_as_percent = True  # upstream now sends 35.0 for 0.35
broken = retrain.execute_in_process(partition_key="2026-08-28", raise_on_error=False)
print(f"run succeeded: {broken.success}")
failure = broken.get_step_failure_events()[0]
message = failure.step_failure_data.user_failure_data.description
print(f"{failure.step_key} failed: {message}")
started = [e.step_key for e in broken.all_events if e.event_type_value == "STEP_START"]
print(f"steps started: {started}; registry: {registry()}")

# What the page says of this output, checked on every build:
assert not broken.success and failure.step_key == "validate"
assert message.startswith("date=2026-08-28/loans.csv")  # the file,
assert "debt_to_income: in_range(0, 1)" in message  # the column and the rule
assert started == ["extract", "validate"]  # train, evaluate, gate, register: never
assert registry() == RELEASED
# --8<-- [end:bad-data]


# --8<-- [start:too-early]
# Someone runs last week's loans by hand, to train on the freshest data.
recent = "2026-11-17"
early = retrain.execute_in_process(partition_key=recent, raise_on_error=False)
refusal = early.get_step_failure_events()[0]
reason = refusal.step_failure_data.user_failure_data.description
print(f"run succeeded: {early.success}; extract attempts: {attempts(early, 'extract')}")
print(f"{refusal.step_key} failed: {reason}")
# What that run would have trained on: loans still inside their 90 days look good.
so_far = warehouse.loans(recent)["defaulted"].mean()
final = warehouse.loans("2026-08-28")["defaulted"].mean()
print(f"loans from {recent}: {so_far:.1%} defaulted so far")
print(f"loans from 2026-08-28: {final:.1%} defaulted, final")

# What the page says of this output, checked on every build:
assert not early.success and refusal.step_key == "extract"
assert attempts(early, "extract") == 1  # not retried: only waiting fixes it
assert reason.startswith(f"date={recent}: outcomes are final on 2027-02-15")
assert so_far < final / 5  # most of the defaults to come are not known yet
assert registry() == RELEASED
# --8<-- [end:too-early]

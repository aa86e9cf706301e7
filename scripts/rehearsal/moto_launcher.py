"""
moto's server with what the packaged-stack rehearsal needs from moto 5.2.1 and moto does not do by
itself. Each workaround below names the moto behaviour it works around; moto_quirks.py checks, on an
unpatched moto, that each behaviour is still there, so that an upgrade that fixes one fails the
rehearsal's test loudly and the workaround can go.

    python moto_launcher.py -H 127.0.0.1 -p PORT

Environment:
  ESTATESCAN_LAMBDA_RUNTIME  http://host:port of the local Lambda runtime (scripts/rehearsal/
                             lambda-runtime.ts): Lambda invocations are sent there.
  ESTATESCAN_CODE_DIR        where function code is unpacked, one directory per code digest.
  ESTATESCAN_RETRY_SCALE     Step Functions Retry waits are slept for this fraction of their length
                             (default 1: as long as the definition says).
  MOTO_PORT                  where moto's own Step Functions interpreter sends its service calls
                             (the recording proxy in front of this server).

Every workaround applied, and every Retry wait, is reported as one line on stderr starting with
"ESTATESCAN_LAUNCHER " followed by JSON.
"""

import copy
import json
import os
import sys
import time
import urllib.request
import uuid
import zipfile


def report(event: str, **fields) -> None:
    sys.stderr.write("ESTATESCAN_LAUNCHER " + json.dumps({"event": event, **fields}) + "\n")
    sys.stderr.flush()


def route_lambda_invocations_to_the_local_runtime() -> None:
    """moto runs a function in a Docker container (LambdaFunction._invoke_lambda); without Docker an
    invocation answers "error running docker". The function's code (the zip it was created with),
    handler, environment and role go to the local runtime instead, which runs it in a Node process
    with the role's credentials."""
    from moto.awslambda.models import LambdaFunction

    runtime = os.environ["ESTATESCAN_LAMBDA_RUNTIME"]
    code_root = os.environ["ESTATESCAN_CODE_DIR"]

    def code_directory(function: LambdaFunction) -> str:
        directory = os.path.join(code_root, function.code_digest.replace("/", "_"))
        if not os.path.isdir(directory):
            staging = f"{directory}.{uuid.uuid4().hex}"
            with zipfile.ZipFile(_bytes_io(function.code_bytes)) as archive:
                archive.extractall(staging)
            try:
                os.rename(staging, directory)
            except OSError:
                pass  # another invocation unpacked the same code first
        return directory

    def invoke_lambda(self: LambdaFunction, event=None):
        request = {
            "functionName": self.function_name,
            "functionArn": self.function_arn,
            "handler": self.handler,
            "runtime": self.run_time,
            "role": self.role,
            "timeout": int(self.timeout),
            "memorySize": int(self.memory_size),
            "region": self.region,
            "environment": dict(self.environment_vars or {}),
            "codeDirectory": code_directory(self),
            "event": event if event is not None else {},
        }
        body = json.dumps(request).encode("utf-8")
        http_request = urllib.request.Request(
            f"{runtime}/invoke", data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(http_request, timeout=int(self.timeout) + 60) as response:
            answer = json.loads(response.read())
        self.save_logs(answer.get("logs", ""))
        return answer["payload"], bool(answer["errored"]), answer.get("logs", "")

    LambdaFunction._invoke_lambda = invoke_lambda
    report("workaround", name="lambda-invoke-needs-docker")


def _bytes_io(data):
    import io

    return io.BytesIO(data)


def leave_table_streams_to_the_poller() -> None:
    """moto pushes every new stream record of a table to its mapped functions at once, one record at
    a time, through Docker; when the push fails it drops the shard's records. The push is turned
    off: the rehearsal polls GetRecords with the mapping's own settings, as Lambda does."""
    from moto.awslambda.models import LambdaBackend

    def send_dynamodb_items(self, function_arn, items, source):
        return None  # nothing sent: the shard keeps its records

    LambdaBackend.send_dynamodb_items = send_dynamodb_items
    report("workaround", name="dynamodb-stream-push-needs-docker")


def create_cloudformation_state_machines_where_they_execute() -> None:
    """CloudFormation creates AWS::StepFunctions::StateMachine in moto's plain Step Functions
    backend, whose executions never run, even with `stepfunctions.execute_state_machine` on. They go
    to the backend the API itself uses under the current configuration."""
    from moto.stepfunctions import models
    from moto.stepfunctions.responses import get_backend

    class Backends:
        def __getitem__(self, account_id):
            class Regions:
                def __getitem__(self, region):
                    return get_backend(account_id, region)

            return Regions()

    for name in (
        "create_from_cloudformation_json",
        "delete_from_cloudformation_json",
        "update_from_cloudformation_json",
    ):
        method = getattr(models.StateMachine, name).__func__

        def patched(cls, *args, __method=method, **kwargs):
            original = models.stepfunctions_backends
            models.stepfunctions_backends = Backends()
            try:
                return __method(cls, *args, **kwargs)
            finally:
                models.stepfunctions_backends = original

        setattr(models.StateMachine, name, classmethod(patched))
    report("workaround", name="cloudformation-state-machines-do-not-execute")


def store_cloudformation_role_policies_as_json() -> None:
    """A role's inline policies from CloudFormation are stored as the template's dicts, so
    GetRolePolicy answers with Python's repr of them instead of a JSON document."""
    from moto.iam.models import Role

    original = Role.put_policy

    def put_policy(self, policy_name, policy_json):
        if not isinstance(policy_json, str):
            policy_json = json.dumps(policy_json)
        original(self, policy_name, policy_json)

    Role.put_policy = put_policy
    report("workaround", name="cloudformation-role-policies-stored-as-dicts")


def attach_cloudformation_role_managed_policies() -> None:
    """CloudFormation creates a role without its ManagedPolicyArns: the managed policies a template
    attaches to a role are never attached."""
    from moto.iam.models import Role, get_partition, iam_backends

    original = Role.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        role = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        backend = iam_backends[account_id][get_partition(region_name)]
        for policy_arn in cloudformation_json["Properties"].get("ManagedPolicyArns", []):
            backend.attach_role_policy(policy_arn, role.name)
        return role

    Role.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    report("workaround", name="cloudformation-role-managed-policies-not-attached")


def start_executions_one_after_another() -> None:
    """StartExecution deep-copies the state machine with its earlier executions, whose workers hold
    a lock: a second execution of one state machine fails ("cannot pickle '_thread.lock'"). And an
    execution started without a name is named None (its ARN ends in :None), so a second unnamed one
    is taken for the first. The copy is made without the earlier executions, and an unnamed
    execution gets a UUID, as Step Functions gives it."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution

    def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
        if name is None:
            name = str(uuid.uuid4())
        state_machine = self.describe_state_machine(state_machine_arn)
        existing = state_machine._handle_name_input_idempotency(name, execution_input)
        if existing is not None:
            return existing
        earlier = state_machine.executions
        state_machine.executions = []
        try:
            return original(self, state_machine_arn, name, execution_input, trace_header)
        finally:
            state_machine.executions = earlier + state_machine.executions

    StepFunctionsParserBackend.start_execution = start_execution
    report("workaround", name="second-execution-deep-copies-a-lock")
    report("workaround", name="unnamed-executions-are-named-none")


def shorten_retry_waits() -> None:
    """A Retry's wait is a real time.sleep of its computed interval. Each wait is reported with the
    length the definition asked for, and slept for ESTATESCAN_RETRY_SCALE of it."""
    scale = float(os.environ.get("ESTATESCAN_RETRY_SCALE", "1"))
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    class ScaledTime:
        def sleep(self, seconds):
            report("retry-wait", seconds=seconds, slept=seconds * scale)
            time.sleep(seconds * scale)

        def __getattr__(self, name):
            return getattr(time, name)

    retrier_decl.time = ScaledTime()
    report("workaround", name="retry-waits-are-real-sleeps", scale=scale)


def main() -> None:
    route_lambda_invocations_to_the_local_runtime()
    leave_table_streams_to_the_poller()
    create_cloudformation_state_machines_where_they_execute()
    store_cloudformation_role_policies_as_json()
    attach_cloudformation_role_managed_policies()
    start_executions_one_after_another()
    shorten_retry_waits()
    # Not worked around: ToleratedFailurePercentage must be written with a decimal point (the
    # rehearsal passes the stack parameter as 10.0); CloudFormation's S3 buckets get only their
    # encryption and tags; bucket and topic policies, the schedule, alarms and EventInvokeConfig
    # are not created (scripts/check-template.ts checks those in the template).
    from moto.server import main as serve

    serve(sys.argv[1:])


if __name__ == "__main__":
    main()

"""
Checks, on an unpatched moto in this process, that each behaviour moto_launcher.py works around is
still there. Prints one line, "ESTATESCAN_QUIRKS " and a JSON object: {"moto": version, "quirks": [{"name", "present", "detail"}]}.
A quirk that is no longer present means a moto upgrade fixed it: remove its workaround from
moto_launcher.py (and this check).

    python moto_quirks.py
"""

import io
import json
import os
import sys
import time
import traceback
import zipfile

# Docker must not be reachable for the Docker checks to say what they say on a machine without it.
os.environ["DOCKER_HOST"] = "unix:///nonexistent/estatescan-no-docker.sock"
os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "quirks")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
import moto  # noqa: E402
from moto import mock_aws  # noqa: E402

REGION = "us-east-1"
EXECUTE = {"stepfunctions": {"execute_state_machine": True}}
ROLE = "arn:aws:iam::123456789012:role/quirks"


def client(service):
    return boto3.client(service, region_name=REGION)


def function_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.mjs", "export const handler = async () => ({ ok: true });")
    return buffer.getvalue()


def create_function(name):
    iam = client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    return client("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs22.x",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": function_zip()},
    )["FunctionArn"]


def wait_for(execution_arn, timeout=20):
    sfn = client("stepfunctions")
    deadline = time.time() + timeout
    while True:
        status = sfn.describe_execution(executionArn=execution_arn)["status"]
        if status != "RUNNING" or time.time() > deadline:
            return status
        time.sleep(0.05)


PASS_MACHINE = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


@mock_aws
def lambda_invoke_needs_docker():
    create_function("quirk-invoke")
    answer = client("lambda").invoke(FunctionName="quirk-invoke", Payload=b"{}")
    payload = answer["Payload"].read().decode("utf-8", "replace")
    present = answer.get("FunctionError") is not None and "docker" in payload.lower()
    return present, f"FunctionError={answer.get('FunctionError')} payload={payload[:120]!r}"


@mock_aws
def dynamodb_stream_push_needs_docker():
    dynamodb = client("dynamodb")
    table = dynamodb.create_table(
        TableName="quirk-stream",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    stream_arn = table["LatestStreamArn"]
    function_arn = create_function("quirk-stream-consumer")
    client("lambda").create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=function_arn, StartingPosition="TRIM_HORIZON"
    )
    dynamodb.put_item(TableName="quirk-stream", Item={"PK": {"S": "a"}})
    # The shard itself (DescribeStream is not routed in-process here).
    from moto.dynamodb.models import dynamodb_backends

    records = dynamodb_backends["123456789012"][REGION].get_table("quirk-stream").stream_shard.items
    return len(records) == 0, f"{len(records)} record(s) left on the shard after the failed push"


@mock_aws(config=EXECUTE)
def cloudformation_state_machines_do_not_execute():
    template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"StateMachineName": "quirk-cfn", "DefinitionString": PASS_MACHINE, "RoleArn": ROLE},
            }
        }
    }
    client("cloudformation").create_stack(StackName="quirk-cfn", TemplateBody=json.dumps(template))
    arn = f"arn:aws:states:{REGION}:123456789012:stateMachine:quirk-cfn"
    try:
        execution = client("stepfunctions").start_execution(stateMachineArn=arn, name="one")
    except Exception as error:  # the executing backend does not know the machine
        return True, f"StartExecution: {type(error).__name__}: {error}"
    status = wait_for(execution["executionArn"], timeout=3)
    return status != "SUCCEEDED", f"execution {status}"


@mock_aws
def cloudformation_role_policies_stored_as_dicts():
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "quirk-role",
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                    "Policies": [
                        {
                            "PolicyName": "inline",
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
                            },
                        }
                    ],
                },
            }
        }
    }
    client("cloudformation").create_stack(
        StackName="quirk-role", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_NAMED_IAM"]
    )
    document = client("iam").get_role_policy(RoleName="quirk-role", PolicyName="inline")["PolicyDocument"]
    # boto3 parses a JSON document into a dict; Python's repr stays a string.
    present = isinstance(document, str) and document.startswith("{'")
    return present, f"GetRolePolicy PolicyDocument: {str(document)[:80]!r}"


@mock_aws
def cloudformation_role_managed_policies_not_attached():
    template = {
        "Resources": {
            "Policy": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
                    }
                },
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "quirk-attached",
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                    "ManagedPolicyArns": [{"Ref": "Policy"}],
                },
            },
        }
    }
    client("cloudformation").create_stack(
        StackName="quirk-attached", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_NAMED_IAM"]
    )
    attached = client("iam").list_attached_role_policies(RoleName="quirk-attached")["AttachedPolicies"]
    return len(attached) == 0, f"{len(attached)} managed policy attached of the 1 the template names"


@mock_aws(config=EXECUTE)
def second_execution_deep_copies_a_lock():
    sfn = client("stepfunctions")
    arn = sfn.create_state_machine(name="quirk-second", definition=PASS_MACHINE, roleArn=ROLE)["stateMachineArn"]
    first = sfn.start_execution(stateMachineArn=arn, name="first")["executionArn"]
    wait_for(first)
    try:
        second = sfn.start_execution(stateMachineArn=arn, name="second")["executionArn"]
    except Exception as error:
        return True, f"second StartExecution: {type(error).__name__}: {str(error)[:120]}"
    return False, f"second execution {wait_for(second)}"


@mock_aws(config=EXECUTE)
def unnamed_executions_are_named_none():
    sfn = client("stepfunctions")
    arn = sfn.create_state_machine(name="quirk-unnamed", definition=PASS_MACHINE, roleArn=ROLE)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    return execution.endswith(":None"), f"execution ARN {execution}"


@mock_aws(config=EXECUTE)
def integer_tolerated_failure_percentage_rejected():
    sfn = client("stepfunctions")

    def definition(percentage):
        return (
            '{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":'
            '{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":'
            '{"Type":"Pass","End":true}}},"ToleratedFailurePercentage":' + percentage + ',"End":true}}}'
        )

    outcomes = {}
    for name, percentage in (("integer", "10"), ("decimal", "10.0")):
        try:
            sfn.create_state_machine(name=f"quirk-tolerated-{name}", definition=definition(percentage), roleArn=ROLE)
            outcomes[name] = "accepted"
        except Exception as error:
            outcomes[name] = f"rejected ({type(error).__name__})"
    present = outcomes["integer"].startswith("rejected") and outcomes["decimal"] == "accepted"
    return present, f"10: {outcomes['integer']}; 10.0: {outcomes['decimal']}"


@mock_aws(config=EXECUTE)
def retry_waits_are_real_sleeps():
    sfn = client("stepfunctions")
    definition = json.dumps(
        {
            "StartAt": "Read",
            "States": {
                "Read": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::dynamodb:getItem",
                    "Parameters": {"TableName": "no-such-table", "Key": {"PK": {"S": "a"}}},
                    "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}],
                    "End": True,
                }
            },
        }
    )
    arn = sfn.create_state_machine(name="quirk-retry", definition=definition, roleArn=ROLE)["stateMachineArn"]
    started = time.time()
    status = wait_for(sfn.start_execution(stateMachineArn=arn, name="one")["executionArn"])
    elapsed = time.time() - started
    return elapsed >= 0.9, f"a 1-second retry took {elapsed:.2f} s (execution {status})"


CHECKS = {
    "lambda-invoke-needs-docker": lambda_invoke_needs_docker,
    "dynamodb-stream-push-needs-docker": dynamodb_stream_push_needs_docker,
    "cloudformation-state-machines-do-not-execute": cloudformation_state_machines_do_not_execute,
    "cloudformation-role-policies-stored-as-dicts": cloudformation_role_policies_stored_as_dicts,
    "cloudformation-role-managed-policies-not-attached": cloudformation_role_managed_policies_not_attached,
    "second-execution-deep-copies-a-lock": second_execution_deep_copies_a_lock,
    "unnamed-executions-are-named-none": unnamed_executions_are_named_none,
    "integer-tolerated-failure-percentage-rejected": integer_tolerated_failure_percentage_rejected,
    "retry-waits-are-real-sleeps": retry_waits_are_real_sleeps,
}


def main():
    results = []
    for name, check in CHECKS.items():
        try:
            present, detail = check()
        except Exception:
            present, detail = None, "the check failed: " + traceback.format_exc(limit=3)
        results.append({"name": name, "present": present, "detail": detail})
    # moto prints warnings on stdout too: the answer is the line with this prefix.
    sys.stdout.write("ESTATESCAN_QUIRKS " + json.dumps({"moto": moto.__version__, "quirks": results}) + "\n")


if __name__ == "__main__":
    main()

/**
 * The API calls estatescan makes inside a member account, through the member role: every
 * collector's declared calls (`Collector.calls`) and the planner's `DescribeRegions` (for
 * `regions: all`). The member role in `infra/member-role.yml` grants exactly their IAM actions
 * (`iamActionFor`): test/unit/infra/member-role.test.ts checks the template against this list, and
 * test/integration/infra/iam-policy.test.ts this list against the calls a full inventory makes.
 */
import { collectors } from '../inventory/collect.ts';
import { planCalls } from './plan.ts';

/** The operations, as the call counter keys them (`ec2:DescribeInstances`), sorted, each once. */
export const memberAccountOperations: readonly string[] = [
  ...new Set([...collectors.flatMap((c) => c.calls), ...Object.values(planCalls)].map((c) => c.operation)),
].sort();

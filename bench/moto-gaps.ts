/**
 * Answers, on the client, the read operations moto lacks: SSM `DescribeInstanceInformation`
 * (managed instances), ECR Public `DescribeRepositories`, EKS `ListAddons` and Outposts
 * `ListOutposts`. moto answers them with an HTTP 500 page (ListAddons with a 404 one), which the
 * SDK retries up to `maxAttempts` times with back-off (seconds per call): that is noise in a
 * wall-time figure, most of all in the latency and serial runs, and it leaves every rule that reads
 * those sources skipped. Here each gets the answer AWS gives an account with no managed instances,
 * no public repositories, no add-ons and no Outposts: an empty page, after the same added latency
 * as any other call.
 *
 * The answer is a real HTTP response given to the SDK's own deserializer (the middleware sits
 * below it, where the HTTP handler would be), so the call counter, the attempt counter and the
 * retry strategy see an ordinary successful call.
 */
import { ECRPUBLICClient } from '@aws-sdk/client-ecr-public';
import { EKSClient } from '@aws-sdk/client-eks';
import { OutpostsClient } from '@aws-sdk/client-outposts';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AccountClients, SdkClient } from '../src/aws/clients.ts';

const emptyAnswers: Record<string, string> = {
  DescribeInstanceInformationCommand: JSON.stringify({ InstanceInformationList: [] }),
  DescribeRepositoriesCommand: JSON.stringify({ repositories: [] }),
  ListAddonsCommand: JSON.stringify({ addons: [] }),
  ListOutpostsCommand: JSON.stringify({ Outposts: [] }),
};

/** The JSON protocols (SSM, ECR Public) name their content type; the REST ones (EKS, Outposts) plain JSON. */
const contentTypes: Record<string, string> = {
  ListAddonsCommand: 'application/json',
  ListOutpostsCommand: 'application/json',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function answerEmpty(client: SdkClient, commandName: string, latencyMs: number): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const body = emptyAnswers[commandName];
      if (context.commandName !== commandName || body === undefined) return next(args);
      if (latencyMs > 0) await sleep(latencyMs);
      return {
        response: {
          statusCode: 200,
          reason: 'OK',
          headers: {
            'content-type': contentTypes[commandName] ?? 'application/x-amz-json-1.1',
            'content-length': String(Buffer.byteLength(body)),
            'x-amzn-requestid': 'bench-moto-gap',
          },
          body: Buffer.from(body),
        },
      };
    },
    // Below the deserializer: this stands where the HTTP handler would answer.
    { step: 'deserialize', priority: 'low', name: `benchAnswerEmpty${commandName}`, override: true },
  );
}

/**
 * Installs the empty answers on the clients the collectors will use for these targets (the factory
 * reuses one client per account × region × service, so these are the very instances they get).
 */
export function answerMotoGaps(
  clientsOf: (accountId: string) => AccountClients,
  targets: readonly { accountId: string; region: string }[],
  latencyMs: number,
): void {
  for (const { accountId, region } of targets) {
    const clients = clientsOf(accountId);
    answerEmpty(clients.get(SSMClient, region), 'DescribeInstanceInformationCommand', latencyMs);
    // ECR Public exists only in us-east-1, where the collector calls it.
    answerEmpty(clients.get(ECRPUBLICClient, 'us-east-1'), 'DescribeRepositoriesCommand', latencyMs);
    answerEmpty(clients.get(EKSClient, region), 'ListAddonsCommand', latencyMs);
    answerEmpty(clients.get(OutpostsClient, region), 'ListOutpostsCommand', latencyMs);
  }
}

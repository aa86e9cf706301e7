/** The findings table (`FINDINGS_TABLE`), for the functions that read or write it. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaEnvironment } from '../../config/environment.ts';
import { DynamoDbFindingStore } from '../../findings/dynamodb-store.ts';
import type { FindingStore } from '../../findings/store.ts';
import { tracer } from '../logger.ts';
import { homeClientConfig, once, required } from './common.ts';

export function findingStoreOf(env: LambdaEnvironment): () => FindingStore {
  return once(
    () =>
      new DynamoDbFindingStore(
        tracer.captureAWSv3Client(new DynamoDBClient(homeClientConfig(env))),
        required(env.findingsTable, 'FINDINGS_TABLE', 'the name of the findings table'),
      ),
  );
}

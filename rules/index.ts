/**
 * Every rule, in the order reports list them. A test checks that each file under rules/<service>/ is
 * registered here and that its id is its file name.
 */
import type { Rule } from '../src/engine/types.ts';
import { rule as s3BucketVersioningDisabled } from './s3/s3-bucket-versioning-disabled.ts';

export const allRules: readonly Rule[] = [s3BucketVersioningDisabled];

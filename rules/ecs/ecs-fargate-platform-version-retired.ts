import type { Rule } from '../../src/engine/types.ts';
import type { EcsService } from '../../src/inventory/types.ts';
import { dayBefore, fargateRetirement } from '../../src/lifecycle/fargate.ts';
import { isReportable, lifecycleStatus } from '../../src/lifecycle/status.ts';
import { lifecycleEvidence, severityFor } from '../lib/lifecycle.ts';
import { sh } from '../lib/shell.ts';

const isFargateProvider = (name: string) => name === 'FARGATE' || name === 'FARGATE_SPOT';

/** A service whose tasks run on Fargate: by launch type, or a strategy of Fargate providers only. */
function onFargate(service: EcsService): boolean {
  if (service.launchType) return service.launchType === 'FARGATE';
  const strategy = service.capacityProviderStrategy;
  return strategy.length > 0 && strategy.every((s) => isFargateProvider(s.capacityProvider));
}

const platformOf = (service: EcsService): 'LINUX' | 'WINDOWS' =>
  service.platformFamily?.toUpperCase().startsWith('WINDOWS') ? 'WINDOWS' : 'LINUX';

/**
 * The platform versions the service's tasks are pinned to: the service's own and its deployments'
 * (a rollout still running old tasks). `LATEST` is left out: AWS moves those tasks itself.
 */
function pinnedVersions(service: EcsService): string[] {
  const versions = [service.platformVersion, ...service.deployments.map((d) => d.platformVersion)];
  return [...new Set(versions.filter((v): v is string => !!v && v.toUpperCase() !== 'LATEST'))];
}

const clusterName = (service: EcsService) => service.clusterArn.split('/').pop() ?? service.clusterArn;

export const rule: Rule = {
  id: 'ecs-fargate-platform-version-retired',
  title: 'ECS service on Fargate is pinned to a platform version AWS retired or is retiring',
  service: 'ecs',
  resourceType: 'AwsEcsService',
  severity: 'critical',
  description:
    'Fires when an ECS service on Fargate (launch type FARGATE, or a FARGATE/FARGATE_SPOT capacity ' +
    'provider strategy), or one of its deployments, is pinned to a Fargate platform version that AWS ' +
    'has retired (critical) or retires within the warning window (low, default 90 days): Linux 1.0.0, ' +
    '1.1.0 and 1.2.0 (retired 2020-12-14) and 1.3.0 (retired 2026-03-16, its tasks stopped 2026-03-31; ' +
    'in the China Regions 2026-06-15 and 2026-06-30). Services on LATEST are not reported: AWS moves ' +
    'them itself. AWS has published no retirement of a Windows platform version, so none is reported.',
  risk:
    'A retired platform version gets no kernel or container runtime security fixes and takes no new ' +
    'tasks: the service can neither scale out nor replace a failed task, and AWS stops the tasks still ' +
    'running on it, so the service ends up with none. Until then its tasks run on a kernel and ' +
    'container runtime that no longer get fixes for the flaws found since.',
  remediation: {
    console: [
      'Check the task definition against platform version 1.4.0 (task ENI networking, 20 GiB ephemeral ' +
        'storage; for interface VPC endpoints, the ECR and S3 endpoints the tasks pull through).',
      'Open the Amazon ECS console, choose the cluster and the service, and Update service.',
      'Set the platform version to LATEST (or 1.4.0), choose Force new deployment, and update.',
    ],
    cli: 'aws ecs update-service --cluster <cluster> --service <service> --platform-version LATEST --force-new-deployment',
  },
  references: {
    docs: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-versions-retired.html',
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html',
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-version-migration.html',
    ],
  },
  requires: ['ecs.services'],
  scope(snapshot) {
    const services = snapshot.sources['ecs.services'];
    if (!services?.ok) return [];
    return services.items.filter(onFargate).map((s) => ({ id: s.serviceArn }));
  },
  evaluate(snapshot, ctx) {
    const services = snapshot.sources['ecs.services'];
    if (!services?.ok) return [];
    return services.items.filter(onFargate).flatMap((service) => {
      const platform = platformOf(service);
      // The version furthest along its retirement decides.
      const judged = pinnedVersions(service)
        .map((version) => {
          const retirement = fargateRetirement(
            ctx.lifecycle.fargatePlatformVersions,
            platform,
            version,
            snapshot.region,
          );
          if (!retirement) return undefined;
          const dates = { endOfStandard: dayBefore(retirement.retired) };
          return {
            version,
            retirement,
            dates,
            status: lifecycleStatus(dates, ctx.now, ctx.settings.warningDays),
          };
        })
        .filter((j) => j !== undefined)
        .sort((a, b) => a.retirement.retired.localeCompare(b.retirement.retired));
      const worst = judged[0];
      if (!worst || !isReportable(worst.status)) return [];

      const { version, retirement, dates, status } = worst;
      const cluster = clusterName(service);
      const stopped = retirement.tasksStopped;
      const today = ctx.now.toISOString().slice(0, 10);
      const when =
        status.state === 'ending-soon'
          ? `which AWS retires on ${retirement.retired}` +
            (stopped ? ` (tasks still on it are stopped on ${stopped})` : '')
          : `which AWS retired on ${retirement.retired}: it takes no new tasks and gets no security fixes` +
            (stopped
              ? stopped <= today
                ? `, and its tasks were stopped on ${stopped}`
                : `, and its tasks are stopped on ${stopped}`
              : '');
      return [
        {
          resourceId: service.serviceArn,
          resourceArn: service.serviceArn,
          severity: severityFor(status.state),
          message:
            `ECS service ${service.serviceName} in cluster ${cluster} runs on Fargate platform version ` +
            `${version} (${platform === 'LINUX' ? 'Linux' : 'Windows'}), ${when}; move it to LATEST.`,
          evidence: {
            cluster,
            platform,
            platformVersion: version,
            ...(service.platformVersion ? { servicePlatformVersion: service.platformVersion } : {}),
            deploymentPlatformVersions: service.deployments.map((d) => d.platformVersion ?? null),
            runningCount: service.runningCount,
            desiredCount: service.desiredCount,
            ...(retirement.forceUpdate ? { forceUpdate: retirement.forceUpdate } : {}),
            retired: retirement.retired,
            ...(stopped ? { tasksStopped: stopped } : {}),
            ...lifecycleEvidence(status, dates),
            lifecycleSource: retirement.source,
          },
          cli: sh`aws ecs update-service --cluster ${cluster} --service ${service.serviceName} --platform-version LATEST --force-new-deployment --region ${snapshot.region}`,
        },
      ];
    });
  },
};

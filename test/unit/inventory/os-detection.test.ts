import { describe, expect, it } from 'vitest';
import {
  osFromImage,
  osFromPlatformDetails,
  osFromSsm,
  resolveInstanceOs,
} from '../../../src/inventory/os-detection.ts';
import type { DetectedOs, Image } from '../../../src/inventory/types.ts';
import { osLifecycle } from '../../../src/lifecycle/catalogue.ts';

const makeImage = (fields: Partial<Omit<Image, 'os'>> = {}): Image => {
  const base = { imageId: 'ami-0123456789abcdef0', ...fields };
  return { ...base, os: osFromImage(base) };
};

/** Asserts a known result and that its key is in the catalogue, which rules rely on. */
const expectKnown = (os: DetectedOs, family: string, version: string, source: string, evidence: string) => {
  expect(os).toMatchObject({ known: true, family, version, source, evidence });
  expect(osLifecycle(family, version)).toBeDefined();
  if (os.known) expect(os.name).toBe(osLifecycle(family, version)?.name);
};

describe('osFromImage', () => {
  it.each([
    // Amazon Linux AMI (first generation)
    ['amzn-ami-hvm-2018.03.0.20231218.0-x86_64-gp2', 'amazon-linux', '2018.03'],
    ['amzn-ami-2018.03.20200918-amazon-ecs-optimized', 'amazon-linux', '2018.03'],
    ['amzn-ami-minimal-hvm-2018.03.0.20231218.0-x86_64-ebs', 'amazon-linux', '2018.03'],
    ['amzn-ami-vpc-nat-2018.03.0.20231218.0-x86_64-ebs', 'amazon-linux', '2018.03'],
    // Amazon Linux 2, including ECS- and EKS-optimized; a kernel version in the name is not the OS version
    ['amzn2-ami-hvm-2.0.20240620.0-x86_64-gp2', 'amazon-linux', '2'],
    ['amzn2-ami-kernel-5.10-hvm-2.0.20240620.0-x86_64-gp2', 'amazon-linux', '2'],
    ['amzn2-ami-ecs-hvm-2.0.20240611-x86_64-ebs', 'amazon-linux', '2'],
    ['amzn2-ami-ecs-kernel-5.10-hvm-2.0.20240611-arm64-ebs', 'amazon-linux', '2'],
    ['amzn2-ami-minimal-hvm-2.0.20240620.0-x86_64-ebs', 'amazon-linux', '2'],
    ['amazon-eks-node-1.29-v20240625', 'amazon-linux', '2'],
    ['amazon-eks-gpu-node-1.29-v20240625', 'amazon-linux', '2'],
    ['amazon-eks-arm64-node-1.28-v20240514', 'amazon-linux', '2'],
    // Amazon Linux 2023
    ['al2023-ami-2023.5.20240624.0-kernel-6.1-x86_64', 'amazon-linux', '2023'],
    ['al2023-ami-ecs-hvm-2023.0.20240625-kernel-6.1-x86_64', 'amazon-linux', '2023'],
    ['al2023-ami-minimal-2023.5.20240624.0-kernel-6.1-arm64', 'amazon-linux', '2023'],
    ['amazon-eks-node-al2023-x86_64-standard-1.30-v20240625', 'amazon-linux', '2023'],
    // Windows Server
    ['Windows_Server-2008-R2_SP1-English-64Bit-Base-2020.01.15', 'windows-server', '2008-r2'],
    ['Windows_Server-2012-RTM-English-64Bit-Base-2023.10.11', 'windows-server', '2012'],
    ['Windows_Server-2012-R2_RTM-English-64Bit-Base-2024.06.13', 'windows-server', '2012-r2'],
    ['Windows_Server-2016-English-Full-Base-2024.06.13', 'windows-server', '2016'],
    ['Windows_Server-2016-English-Full-SQL_2019_Standard-2024.06.13', 'windows-server', '2016'],
    ['Windows_Server-2019-English-Full-Base-2024.06.13', 'windows-server', '2019'],
    ['Windows_Server-2019-English-Core-EKS_Optimized-1.29-2024.06.13', 'windows-server', '2019'],
    ['Windows_Server-2022-English-Full-Base-2024.06.13', 'windows-server', '2022'],
    ['Windows_Server-2022-Japanese-Full-Base-2024.06.13', 'windows-server', '2022'],
    ['Windows_Server-2025-English-Full-Base-2024.11.13', 'windows-server', '2025'],
    // Ubuntu, by number and codename, LTS and interim, Pro and EKS images
    ['ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-20191107', 'ubuntu', '14.04'],
    ['ubuntu/images/hvm-instance/ubuntu-xenial-16.04-amd64-server-20211001', 'ubuntu', '16.04'],
    ['ubuntu/images/hvm-ssd/ubuntu-bionic-18.04-arm64-server-20230531', 'ubuntu', '18.04'],
    ['ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20240531', 'ubuntu', '20.04'],
    ['ubuntu-pro-server/images/hvm-ssd/ubuntu-focal-20.04-amd64-pro-server-20240606', 'ubuntu', '20.04'],
    ['ubuntu-eks/k8s_1.29/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240604', 'ubuntu', '22.04'],
    ['ubuntu-minimal/images/hvm-ssd/ubuntu-jammy-22.04-amd64-minimal-20240601', 'ubuntu', '22.04'],
    ['ubuntu/images/hvm-ssd/ubuntu-lunar-23.04-amd64-server-20240117', 'ubuntu', '23.04'],
    ['ubuntu/images-testing/hvm-ssd/ubuntu-mantic-daily-amd64-server-20240101', 'ubuntu', '23.10'],
    ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240606', 'ubuntu', '24.04'],
    ['ubuntu/images/hvm-ssd-gp3/ubuntu-oracular-24.10-amd64-server-20250305', 'ubuntu', '24.10'],
    ['ubuntu/images/hvm-ssd-gp3/ubuntu-plucky-25.04-arm64-server-20250610', 'ubuntu', '25.04'],
    // Red Hat Enterprise Linux: the major version only, however many parts follow
    ['RHEL-6.10_HVM-20190524-x86_64-1-Hourly2-GP2', 'rhel', '6'],
    ['RHEL-7.9_HVM-20221027-x86_64-0-Hourly2-GP2', 'rhel', '7'],
    ['RHEL-8.6.0_HVM-20220503-x86_64-2-Hourly2-GP2', 'rhel', '8'],
    ['RHEL-8.10.0_HVM-20240528-x86_64-1-Hourly2-GP3', 'rhel', '8'],
    ['RHEL_HA-8.4.0_HVM-20210504-x86_64-2-Hourly2-GP2', 'rhel', '8'],
    ['RHEL-SAP-8.2.0_HVM-20211007-x86_64-0-Hourly2-GP2', 'rhel', '8'],
    ['RHEL-9.4.0_HVM-20240423-x86_64-62-Hourly2-GP3', 'rhel', '9'],
    // Debian, by number (10+) and by codename (the older publisher)
    ['debian-jessie-amd64-hvm-2017-01-15-1221-ebs', 'debian', '8'],
    ['debian-stretch-hvm-x86_64-gp2-2022-07-01-66430', 'debian', '9'],
    ['debian-10-amd64-20240429-1732', 'debian', '10'],
    ['debian-11-amd64-20240507-1740', 'debian', '11'],
    ['debian-12-arm64-20240507-1740', 'debian', '12'],
    // CentOS Linux and CentOS Stream, which must not be confused
    [
      'CentOS Linux 6 x86_64 HVM EBS 2002_01-74e73035-3435-48d6-88e0-89cc02ad83ee-ami-0bd9eee0d02a8ea18.4',
      'centos',
      '6',
    ],
    [
      'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01-b7ee8a69-ee97-4a49-9e68-afaee216db2e-ami-0042af67f8e4dcc20.4',
      'centos',
      '7',
    ],
    ['CentOS 7.9.2009 x86_64', 'centos', '7'],
    ['CentOS-7-x86_64-GenericCloud-2111', 'centos', '7'],
    ['CentOS Linux 8 x86_64', 'centos', '8'],
    ['CentOS 8.4.2105 x86_64', 'centos', '8'],
    ['CentOS Stream 9 x86_64 20240101', 'centos-stream', '9'],
    ['CentOS-Stream-ec2-8-20210603.0.x86_64', 'centos-stream', '8'],
    // Rocky Linux and AlmaLinux
    ['Rocky-8-ec2-8.5-20211114.2.x86_64', 'rocky', '8'],
    ['Rocky-9-EC2-Base-9.3-20231113.0.x86_64', 'rocky', '9'],
    ['AlmaLinux OS 8.9.20231128 aarch64', 'almalinux', '8'],
    ['AlmaLinux OS 9.3.20231113 x86_64', 'almalinux', '9'],
    // A rebuild that says what it rebuilds is the rebuild, whoever owns the image
    ['AlmaLinux OS 9 (RHEL 9 compatible)', 'almalinux', '9'],
    ['Rocky Linux 8 - a RHEL 8 rebuild', 'rocky', '8'],
    // SUSE Linux Enterprise Server, service packs included
    ['suse-sles-12-sp5-v20240424-hvm-ssd-x86_64', 'sles', '12-sp5'],
    ['suse-sles-15-sp5-v20230620-hvm-ssd-x86_64', 'sles', '15-sp5'],
    ['suse-sles-15-sp6-v20240627-hvm-ssd-arm64', 'sles', '15-sp6'],
    ['suse-sles-sap-15-sp4-v20230417-hvm-ssd-x86_64', 'sles', '15-sp4'],
    ['suse-sles-15-v20200707-hvm-ssd-x86_64', 'sles', '15'],
    // Oracle Linux
    ['OL7.9-x86_64-HVM-2020-12-07', 'oracle-linux', '7'],
    ['OL8.7-x86_64-HVM-2023-03-07', 'oracle-linux', '8'],
    ['OL9.2-x86_64-HVM-2023-06-13', 'oracle-linux', '9'],
  ])('reads %s from the AMI name as %s %s', (name, family, version) => {
    // Prepare
    const image = { imageId: 'ami-0123456789abcdef0', name };

    // Act
    const os = osFromImage(image);

    // Assess
    expectKnown(os, family, version, 'ami-name', name);
  });

  it.each([
    ['my-golden-image-2024', 'Amazon Linux 2 AMI 2.0.20240620.0 x86_64 HVM gp2', 'amazon-linux', '2'],
    ['packer-base-1718000000', 'Amazon Linux AMI 2.0.20240610 x86_64 ECS HVM GP2', 'amazon-linux', '2'],
    [
      'eks-worker-copy',
      'EKS Kubernetes Worker AMI with AmazonLinux2 image, (k8s: 1.29.3, docker: 20.10.25-1.amzn2.0.4)',
      'amazon-linux',
      '2',
    ],
    ['app-base', 'Amazon Linux 2023 AMI 2023.5.20240624.0 x86_64 HVM kernel-6.1', 'amazon-linux', '2023'],
    ['legacy-web', 'Amazon Linux AMI 2018.03.0.20231218.0 x86_64 HVM gp2', 'amazon-linux', '2018.03'],
    ['', 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-06-10', 'ubuntu', '22.04'],
    [
      'win-base',
      'Microsoft Windows Server 2019 with Desktop Experience Locale English AMI provided by Amazon',
      'windows-server',
      '2019',
    ],
    [
      'win-legacy',
      'Microsoft Windows Server 2012 R2 RTM 64-bit Locale English AMI provided by Amazon',
      'windows-server',
      '2012-r2',
    ],
    ['sap-host', 'SUSE Linux Enterprise Server 15 SP5 (HVM, 64-bit, SSD-Backed)', 'sles', '15-sp5'],
    ['db-host', 'Debian 12 (20240507-1740)', 'debian', '12'],
  ])('reads name %j with description %j from the description', (name, description, family, version) => {
    // Prepare
    const image = { imageId: 'ami-0123456789abcdef0', name, description };

    // Act
    const os = osFromImage(image);

    // Assess
    expectKnown(os, family, version, 'ami-description', description);
  });

  it('prefers the name over the description', () => {
    // Prepare
    const image = {
      imageId: 'ami-1',
      name: 'amzn2-ami-hvm-2.0.20240620.0-x86_64-gp2',
      description: 'Amazon Linux 2023 AMI (copied)',
    };

    // Act
    const os = osFromImage(image);

    // Assess
    expectKnown(os, 'amazon-linux', '2', 'ami-name', image.name);
  });

  it.each([
    ['a name that follows no pattern', { name: 'my-golden-image-2024' }, undefined, 'my-golden-image-2024'],
    ['an empty name', { name: '' }, undefined, 'no name or description'],
    ['no name or description at all', {}, undefined, 'no name or description'],
    [
      'a Windows AMI with an unrecognized name',
      { name: 'corp-base-2024-06', platformDetails: 'Windows' },
      'windows-server',
      'corp-base-2024-06',
    ],
    [
      'a Windows name without a year',
      { name: 'my-windows-base-v3' },
      'windows-server',
      'names Windows Server',
    ],
    [
      'an Ubuntu interim release not in the catalogue',
      { name: 'ubuntu/images/hvm-ssd/ubuntu-kinetic-22.10-amd64-server-20230716' },
      'ubuntu',
      'Ubuntu 22.10',
    ],
    [
      'a first-generation Amazon Linux older than 2018.03',
      { name: 'amzn-ami-hvm-2017.09.1.20180115-x86_64-gp2' },
      'amazon-linux',
      'Amazon Linux 2017.09',
    ],
    [
      'Windows Server 2008 (not R2)',
      { name: 'Windows_Server-2008-SP2-English-64Bit-Base-2020.01.15' },
      'windows-server',
      'Windows Server 2008 ',
    ],
    [
      'CentOS Stream without a version',
      { name: 'CentOS Stream x86_64 20240101' },
      'centos-stream',
      'no version',
    ],
    [
      'Bottlerocket',
      { name: 'bottlerocket-aws-k8s-1.29-x86_64-v1.20.3-5d9ac849' },
      undefined,
      'Bottlerocket is not in the lifecycle catalogue',
    ],
    [
      'macOS',
      { name: 'amzn-ec2-macos-14.5-20240617-205017-arm64' },
      undefined,
      'macOS is not in the lifecycle catalogue',
    ],
  ])('reports %s as unknown', (_case, fields, familyHint, reasonPart) => {
    // Prepare
    const image = { imageId: 'ami-0123456789abcdef0', ...fields };

    // Act
    const os = osFromImage(image);

    // Assess
    expect(os.known).toBe(false);
    if (os.known) return;
    expect(os.familyHint).toBe(familyHint);
    expect(os.reason).toContain(reasonPart);
    expect(os.reason).toContain('ami-0123456789abcdef0');
  });
});

describe('osFromImage and the AMI owner', () => {
  it.each([
    [
      '099720109477',
      undefined,
      'ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20240531',
      'ubuntu',
      '20.04',
      'Canonical',
    ],
    ['137112412989', 'amazon', 'amzn2-ami-hvm-2.0.20240620.0-x86_64-gp2', 'amazon-linux', '2', 'Amazon'],
    [
      '591542846629',
      'amazon',
      'al2023-ami-ecs-hvm-2023.0.20240625-kernel-6.1-x86_64',
      'amazon-linux',
      '2023',
      'Amazon',
    ],
    [
      '801119661308',
      'amazon',
      'Windows_Server-2019-English-Full-Base-2024.06.13',
      'windows-server',
      '2019',
      'Amazon',
    ],
    ['309956199498', undefined, 'RHEL-8.6.0_HVM-20220503-x86_64-2-Hourly2-GP2', 'rhel', '8', 'Red Hat'],
    ['136693071363', undefined, 'debian-12-amd64-20240507-1740', 'debian', '12', 'Debian'],
    ['379101102735', undefined, 'debian-stretch-hvm-x86_64-gp2-2022-07-01-66430', 'debian', '9', 'Debian'],
    ['125523088429', undefined, 'CentOS 7.9.2009 x86_64', 'centos', '7', 'CentOS'],
    ['125523088429', undefined, 'CentOS Stream 9 x86_64 20240101', 'centos-stream', '9', 'CentOS'],
    ['792107900819', undefined, 'Rocky-8-ec2-8.5-20211114.2.x86_64', 'rocky', '8', 'Rocky Linux'],
    ['764336703387', undefined, 'AlmaLinux OS 9.3.20231113 x86_64', 'almalinux', '9', 'AlmaLinux'],
    ['013907871322', undefined, 'suse-sles-15-sp5-v20230620-hvm-ssd-x86_64', 'sles', '15-sp5', 'SUSE'],
    ['131827586825', undefined, 'OL8.7-x86_64-HVM-2023-03-07', 'oracle-linux', '8', 'Oracle'],
    // EKS-optimized AMIs come from per-region Amazon accounts: the `amazon` alias vouches for them.
    ['602401143452', 'amazon', 'amazon-eks-node-1.29-v20240625', 'amazon-linux', '2', 'Amazon'],
    // The owner pins the family when the name reads as two.
    ['764336703387', undefined, 'AlmaLinux OS 9 (RHEL 9 compatible)', 'almalinux', '9', 'AlmaLinux'],
  ])(
    'records owner %s (alias %j) of %s as the official publisher',
    (ownerId, ownerAlias, name, family, version, publisher) => {
      // Prepare
      const image = { imageId: 'ami-0123456789abcdef0', name, ownerId, ownerAlias };

      // Act
      const os = osFromImage(image);

      // Assess
      expectKnown(os, family, version, 'ami-name', name);
      expect(os).toMatchObject({ publisher });
    },
  );

  it.each([
    [
      'a third-party lookalike',
      '123456789012',
      undefined,
      'amzn2-ami-hvm-2.0.20240620.0-x86_64-gp2',
      'amazon-linux',
      '2',
    ],
    [
      'a copy in the account',
      '111122223333',
      undefined,
      'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240601',
      'ubuntu',
      '22.04',
    ],
    [
      'a Marketplace image (any vendor publishes there)',
      '679593333241',
      'aws-marketplace',
      'CentOS Linux 7 x86_64 HVM EBS ENA 2002_01-b7ee8a69-ee97-4a49-9e68-afaee216db2e-ami-0042af67f8e4dcc20.4',
      'centos',
      '7',
    ],
    [
      'an official owner of another family',
      '099720109477',
      undefined,
      'debian-12-amd64-20240507-1740',
      'debian',
      '12',
    ],
    ['no owner at all', undefined, undefined, 'RHEL-9.4.0_HVM-20240423-x86_64-62-Hourly2-GP3', 'rhel', '9'],
  ])('reads %s from its name but names no publisher', (_case, ownerId, ownerAlias, name, family, version) => {
    // Prepare
    const image = { imageId: 'ami-0123456789abcdef0', name, ownerId, ownerAlias };

    // Act
    const os = osFromImage(image);

    // Assess
    expectKnown(os, family, version, 'ami-name', name);
    expect(os).not.toHaveProperty('publisher');
  });

  it.each([
    [
      'Canonical with a meaningless name',
      '099720109477',
      undefined,
      { name: 'my-golden-image-2024' },
      'ubuntu',
      'is Canonical',
    ],
    ['Amazon with no name or description', '137112412989', 'amazon', {}, 'amazon-linux', 'is Amazon'],
    [
      'CentOS (two families) with a meaningless name',
      '125523088429',
      undefined,
      { name: 'golden-2024' },
      undefined,
      'is CentOS',
    ],
    [
      'the amazon alias alone',
      '602401143452',
      'amazon',
      { name: 'my-golden-image-2024' },
      undefined,
      'no known OS',
    ],
    [
      'AlmaLinux with a name whose only version belongs to RHEL',
      '764336703387',
      undefined,
      { name: 'AlmaLinux OS (RHEL 9 compatible)' },
      'almalinux',
      'names AlmaLinux OS but no version',
    ],
  ])('keeps an AMI owned by %s unknown', (_case, ownerId, ownerAlias, fields, familyHint, reasonPart) => {
    // Prepare
    const image = { imageId: 'ami-0123456789abcdef0', ownerId, ownerAlias, ...fields };

    // Act
    const os = osFromImage(image);

    // Assess
    expect(os.known).toBe(false);
    if (os.known) return;
    expect(os.familyHint).toBe(familyHint);
    expect(os.reason).toContain(reasonPart);
  });

  it('carries the publisher through to the instance', () => {
    // Prepare
    const image = makeImage({
      name: 'RHEL-8.6.0_HVM-20220503-x86_64-2-Hourly2-GP2',
      ownerId: '309956199498',
    });
    const instance = { imageId: image.imageId, platformDetails: 'Red Hat Enterprise Linux' };

    // Act
    const os = resolveInstanceOs(instance, image);

    // Assess
    expect(os).toMatchObject({ known: true, family: 'rhel', version: '8', publisher: 'Red Hat' });
  });
});

describe('osFromPlatformDetails', () => {
  it.each([
    [undefined, 'Windows', 'windows-server'],
    ['windows', undefined, 'windows-server'],
    [undefined, 'Windows with SQL Server Standard', 'windows-server'],
    [undefined, 'Red Hat Enterprise Linux', 'rhel'],
    [undefined, 'Red Hat Enterprise Linux with HA', 'rhel'],
    [undefined, 'SUSE Linux', 'sles'],
    [undefined, 'Ubuntu Pro', 'ubuntu'],
  ])(
    'gives platform %j with details %j the family hint %s and no version',
    (platform, details, familyHint) => {
      // Act
      const os = osFromPlatformDetails(platform, details);

      // Assess
      expect(os).toEqual({ known: false, familyHint, reason: expect.stringContaining('not its version') });
    },
  );

  it('gives Linux/UNIX no family at all', () => {
    // Act
    const os = osFromPlatformDetails(undefined, 'Linux/UNIX');

    // Assess
    expect(os).toEqual({
      known: false,
      reason: expect.stringContaining('"Linux/UNIX" name no distribution'),
    });
  });

  it('says when there are no platform details', () => {
    // Act
    const os = osFromPlatformDetails(undefined, undefined);

    // Assess
    expect(os).toEqual({ known: false, reason: 'the instance reports no platform details' });
  });
});

describe('osFromSsm', () => {
  it.each([
    ['Linux', 'Ubuntu', '20.04', 'ubuntu', '20.04'],
    ['Linux', 'Ubuntu', '24.04', 'ubuntu', '24.04'],
    ['Linux', 'CentOS Linux', '7', 'centos', '7'],
    ['Linux', 'CentOS Linux', '7.6.2004', 'centos', '7'],
    ['Linux', 'CentOS Stream', '9', 'centos-stream', '9'],
    ['Linux', 'Red Hat Enterprise Linux', '8.10', 'rhel', '8'],
    ['Linux', 'Red Hat Enterprise Linux Server', '7.2', 'rhel', '7'],
    ['Linux', 'SLES', '15.1', 'sles', '15-sp1'],
    ['Linux', 'SLES', '15', 'sles', '15'],
    ['Linux', 'SLES', '12.5', 'sles', '12-sp5'],
    ['Linux', 'Amazon Linux', '2', 'amazon-linux', '2'],
    ['Linux', 'Amazon Linux', '2023', 'amazon-linux', '2023'],
    ['Linux', 'Amazon Linux AMI', '2018.03', 'amazon-linux', '2018.03'],
    ['Linux', 'Debian GNU/Linux', '11', 'debian', '11'],
    ['Linux', 'Rocky Linux', '8.9', 'rocky', '8'],
    ['Linux', 'AlmaLinux', '9.3', 'almalinux', '9'],
    ['Linux', 'Oracle Linux Server', '7.9', 'oracle-linux', '7'],
    ['Windows', 'Microsoft Windows Server 2012 R2 Standard', '6.3.9600', 'windows-server', '2012-r2'],
    ['Windows', 'Windows Server 2012 R2 Standard', '6.3.9600', 'windows-server', '2012-r2'],
    ['Windows', 'Windows Server 2019 Datacenter', '10.0.17763', 'windows-server', '2019'],
    ['Windows', 'Microsoft Windows Server 2008 R2 Datacenter', '6.1.7601', 'windows-server', '2008-r2'],
    ['Windows', 'Microsoft Windows Server 2022 Datacenter', '10.0.20348', 'windows-server', '2022'],
  ])('reads %s %j %j as %s %s', (platformType, platformName, platformVersion, family, version) => {
    // Act
    const os = osFromSsm(platformType, platformName, platformVersion);

    // Assess
    expectKnown(os, family, version, 'ssm', `${platformName} ${platformVersion}`);
  });

  it.each([
    ['6.1.7601', '2008-r2'],
    ['6.2.9200', '2012'],
    ['6.3.9600', '2012-r2'],
    ['10.0.14393', '2016'],
    ['10.0.17763', '2019'],
    ['10.0.20348', '2022'],
    ['10.0.26100', '2025'],
  ])('maps Windows Server build %s to %s when the name has no year', (platformVersion, version) => {
    // Act
    const os = osFromSsm('Windows', 'Microsoft Windows Server Datacenter', platformVersion);

    // Assess
    expectKnown(
      os,
      'windows-server',
      version,
      'ssm',
      `Microsoft Windows Server Datacenter ${platformVersion}`,
    );
  });

  it.each([
    ['macOS', 'MacOS', 'macOS', '14.5', undefined, 'macOS'],
    ['an Ubuntu release not in the catalogue', 'Linux', 'Ubuntu', '22.10', 'ubuntu', 'Ubuntu 22.10'],
    ['an OS with no catalogue family', 'Linux', 'Fedora Linux', '40', undefined, 'Fedora'],
    [
      'a Windows client edition',
      'Windows',
      'Microsoft Windows 10 Enterprise',
      '10.0.19045',
      undefined,
      'client',
    ],
    [
      'Windows Server 2008 (not R2)',
      'Windows',
      'Microsoft Windows Server Standard',
      '6.0.6003',
      'windows-server',
      '6.0.6003',
    ],
    ['a family without a version', 'Linux', 'Amazon Linux', undefined, 'amazon-linux', 'no usable version'],
    ['empty fields', undefined, undefined, undefined, undefined, 'not a known operating system'],
  ])(
    'reports %s as unknown',
    (_case, platformType, platformName, platformVersion, familyHint, reasonPart) => {
      // Act
      const os = osFromSsm(platformType, platformName, platformVersion);

      // Assess
      expect(os.known).toBe(false);
      if (os.known) return;
      expect(os.familyHint).toBe(familyHint);
      expect(os.reason).toContain(reasonPart);
    },
  );
});

describe('resolveInstanceOs', () => {
  const ubuntuSsm = { platformType: 'Linux', platformName: 'Ubuntu', platformVersion: '22.04' };

  it('prefers the AMI over SSM when the AMI tells', () => {
    // Prepare
    const image = makeImage({ name: 'ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20240531' });
    const instance = { imageId: image.imageId, platformDetails: 'Linux/UNIX' };

    // Act
    const os = resolveInstanceOs(instance, image, ubuntuSsm);

    // Assess
    expect(os).toMatchObject({ known: true, family: 'ubuntu', version: '20.04', source: 'ami-name' });
  });

  it('falls back to SSM when the AMI could not be described', () => {
    // Prepare
    const instance = { imageId: 'ami-0gone', platformDetails: 'Linux/UNIX' };

    // Act
    const os = resolveInstanceOs(instance, undefined, ubuntuSsm);

    // Assess
    expectKnown(os, 'ubuntu', '22.04', 'ssm', 'Ubuntu 22.04');
  });

  it('falls back to SSM when the AMI name tells nothing', () => {
    // Prepare
    const image = makeImage({ name: 'my-golden-image-2024' });
    const instance = { imageId: image.imageId, platformDetails: 'Linux/UNIX' };

    // Act
    const os = resolveInstanceOs(instance, image, ubuntuSsm);

    // Assess
    expectKnown(os, 'ubuntu', '22.04', 'ssm', 'Ubuntu 22.04');
  });

  it('says the AMI is gone and keeps the platform family when nothing else tells', () => {
    // Prepare
    const instance = { imageId: 'ami-0gone', platform: 'windows', platformDetails: 'Windows' };

    // Act
    const os = resolveInstanceOs(instance, undefined);

    // Assess
    expect(os.known).toBe(false);
    if (os.known) return;
    expect(os.familyHint).toBe('windows-server');
    expect(os.reason).toContain('AMI ami-0gone is deregistered or not shared with this account');
    expect(os.reason).toContain('platform details "Windows"');
  });

  it('gives every reason when the AMI, SSM and the platform details all fail to tell', () => {
    // Prepare
    const image = makeImage({ name: 'my-golden-image-2024' });
    const instance = { imageId: image.imageId, platformDetails: 'Linux/UNIX' };
    const macSsm = { platformType: 'MacOS', platformName: 'macOS', platformVersion: '14.5' };

    // Act
    const os = resolveInstanceOs(instance, image, macSsm);

    // Assess
    expect(os.known).toBe(false);
    if (os.known) return;
    expect(os.familyHint).toBeUndefined();
    expect(os.reason).toContain('my-golden-image-2024');
    expect(os.reason).toContain('macOS');
    expect(os.reason).toContain('Linux/UNIX');
  });

  it('keeps the AMI family hint over the platform one', () => {
    // Prepare
    const image = makeImage({ name: 'ubuntu/images/hvm-ssd/ubuntu-kinetic-22.10-amd64-server-20230716' });
    const instance = { imageId: image.imageId, platformDetails: 'Linux/UNIX' };

    // Act
    const os = resolveInstanceOs(instance, image);

    // Assess
    expect(os).toMatchObject({ known: false, familyHint: 'ubuntu' });
  });

  it('says when the instance has no AMI id', () => {
    // Act
    const os = resolveInstanceOs({ platformDetails: 'Red Hat Enterprise Linux' }, undefined);

    // Assess
    expect(os).toMatchObject({
      known: false,
      familyHint: 'rhel',
      reason: expect.stringContaining('no AMI id'),
    });
  });
});

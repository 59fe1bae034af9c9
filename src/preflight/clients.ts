/**
 * The AWS clients preflight talks to, made per region (an assembly's stacks may name several).
 * Every call it makes is a read: Get*, Describe*, List* and IAM's policy simulations.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { ObservabilityAdminClient } from '../shared/observability-admin';

export interface PreflightClients {
  readonly cloudTrail: CloudTrailClient;
  readonly kms: KMSClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudFormation: CloudFormationClient;
  /** The hand-made client the orchestrator uses too (no SDK client is available): telemetry rules. */
  readonly observabilityAdmin: Pick<ObservabilityAdminClient, 'listTelemetryRules' | 'destroy'>;
}

/** Makes the clients for a region (undefined: the standard chain's region). */
export type PreflightClientFactory = (region: string | undefined) => PreflightClients;

/** SDK clients with the standard credential chain, `profile`, and `AWS_ENDPOINT_URL_*` as the SDK reads them. */
export function standardClients(profile: string | undefined): PreflightClientFactory {
  return (region) => {
    const config: { region?: string; profile?: string } = {};
    if (region !== undefined) config.region = region;
    if (profile !== undefined) config.profile = profile;
    return {
      cloudTrail: new CloudTrailClient(config),
      kms: new KMSClient(config),
      iam: new IAMClient(config),
      sts: new STSClient(config),
      logs: new CloudWatchLogsClient(config),
      cloudFormation: new CloudFormationClient(config),
      observabilityAdmin: new ObservabilityAdminClient({ region, credentials: profile !== undefined ? defaultProvider({ profile }) : undefined }),
    };
  };
}

/** The factory, made once per region, and a way to close every client it made. */
export class ClientPool {
  private readonly made = new Map<string, PreflightClients>();

  constructor(private readonly factory: PreflightClientFactory) {}

  public forRegion(region: string | undefined): PreflightClients {
    const key = region ?? '';
    let clients = this.made.get(key);
    if (!clients) {
      clients = this.factory(region);
      this.made.set(key, clients);
    }
    return clients;
  }

  public destroy(): void {
    this.made.forEach((c) => Object.values(c).forEach((client: { destroy(): void }) => client.destroy()));
  }
}

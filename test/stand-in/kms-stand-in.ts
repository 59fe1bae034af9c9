/**
 * A loopback stand-in for KMS's DescribeKey and GetKeyPolicy (awsJson1_1, target prefix
 * `TrentService.`), for the preflight tests. DescribeKey takes a key ID, key ARN, alias name or
 * alias ARN; GetKeyPolicy a key ID or key ARN, as KMS does.
 */
import { awsJsonHandler, ServiceError, StandInServer } from './aws-protocols';

export interface KeyInit {
  readonly arn: string;
  /** The key policy document. */
  readonly policy: unknown;
  /** Default Enabled. */
  readonly state?: string;
  /** Alias names, e.g. `alias/audit`. */
  readonly aliases?: string[];
}

export class KmsStandIn extends StandInServer {
  public static async start(): Promise<KmsStandIn> {
    const standIn = new KmsStandIn();
    return standIn.listen(awsJsonHandler('TrentService.', {
      DescribeKey: (request) => standIn.describeKey(request),
      GetKeyPolicy: (request) => standIn.getKeyPolicy(request),
    }, standIn.calls));
  }

  private readonly keys: KeyInit[] = [];

  public addKey(key: KeyInit): void {
    this.keys.push(key);
  }

  private find(keyId: string | undefined, aliasesToo: boolean): KeyInit {
    const key = this.keys.find((k) => k.arn === keyId || k.arn.endsWith(`:key/${keyId}`)
      || (aliasesToo && (k.aliases ?? []).some((a) => a === keyId || keyId?.endsWith(`:${a}`))));
    if (!key) throw new ServiceError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  private describeKey(request: { KeyId?: string }): unknown {
    const key = this.find(request.KeyId, true);
    const [, , , region, account, resource] = key.arn.split(':');
    const state = key.state ?? 'Enabled';
    return {
      KeyMetadata: {
        AWSAccountId: account,
        KeyId: resource.replace('key/', ''),
        Arn: key.arn,
        CreationDate: 1735689600,
        Enabled: state === 'Enabled',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: state,
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        KeySpec: 'SYMMETRIC_DEFAULT',
        MultiRegion: false,
        Description: `stand-in key in ${region}`,
      },
    };
  }

  private getKeyPolicy(request: { KeyId?: string; PolicyName?: string }): unknown {
    const key = this.find(request.KeyId, false);
    return { Policy: JSON.stringify(key.policy), PolicyName: request.PolicyName ?? 'default' };
  }
}

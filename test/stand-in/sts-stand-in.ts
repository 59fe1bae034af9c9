/**
 * A loopback stand-in for STS AssumeRole (awsQuery), for the members of an organisation: a role
 * exists once a test deploys it (`addRole`); otherwise AssumeRole is AccessDenied, as for a member
 * without its reader. Each session gets its own access key, and `accountOf` tells whose it is, so
 * the CloudWatch Logs stand-in can answer FilterLogEvents with that account's log groups.
 */
import { randomBytes } from 'node:crypto';
import { awsQueryHandler, QueryParams, ServiceError, StandInServer, XmlValue } from './aws-protocols';

const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export class StsStandIn extends StandInServer {
  public static async start(): Promise<StsStandIn> {
    const standIn = new StsStandIn();
    return standIn.listen(awsQueryHandler(STS_XMLNS, { AssumeRole: (p) => standIn.assumeRole(p) }, standIn.calls));
  }

  private readonly roles = new Set<string>();
  private readonly sessions = new Map<string, string>();

  /** A role that may be assumed (a deployed MemberDeliveryReader). */
  public addRole(roleArn: string): void {
    this.roles.add(roleArn);
  }

  /** The account whose role an access key was issued for; undefined: not a session of this stand-in. */
  public accountOf(accessKeyId: string): string | undefined {
    return this.sessions.get(accessKeyId);
  }

  private assumeRole(params: QueryParams): XmlValue {
    const roleArn = params.get('RoleArn') ?? '';
    const session = params.get('RoleSessionName') ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(session)) throw new ServiceError('ValidationError', `RoleSessionName ${JSON.stringify(session)} is invalid`, 400);
    const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    if (!match) throw new ServiceError('ValidationError', `${roleArn} is not a role ARN`, 400);
    if (!this.roles.has(roleArn)) {
      throw new ServiceError('AccessDenied', `User: arn:aws:sts::111122223333:assumed-role/orchestrator is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.sessions.set(accessKeyId, match[1]);
    const seconds = Number(params.get('DurationSeconds') ?? '3600');
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: randomBytes(20).toString('hex'),
        SessionToken: randomBytes(32).toString('base64'),
        Expiration: new Date(Date.now() + seconds * 1000).toISOString(),
      },
      AssumedRoleUser: { AssumedRoleId: `AROA${match[1]}:${session}`, Arn: `arn:aws:sts::${match[1]}:assumed-role/${match[2]}/${session}` },
    };
  }
}

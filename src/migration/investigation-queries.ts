/**
 * The investigations people run on CloudTrail Lake, as CloudWatch Logs Insights queries.
 *
 * `CloudTrailLakeMigration` saves each one as a query definition over the imported log group
 * (`aws/cloudtrail/<event data store id>`) and the ongoing ones (`aws/cloudtrail/managementevents`, ...)
 * together. Both hold one CloudTrail event per log event, in its JSON form, so one query reads both.
 *
 * How the two languages differ here:
 * - Time: Lake SQL bounds `eventTime` itself (unbounded queries scan, and bill, the whole store); Logs
 *   Insights takes the time range from the console or StartQuery and calls the event's time `@timestamp`.
 *   So every Lake query below has an `eventTime > '2026-01-01 00:00:00'` to edit, and no Logs Insights
 *   query has a time filter.
 * - Nested fields: Lake's `requestParameters`, `responseElements` and `additionalEventData` are
 *   `map<string,string>`, read with `element_at(map, 'key')` (which gives NULL for a missing key where
 *   `map['key']` fails the query); Logs Insights flattens JSON, so they are `responseElements.ConsoleLogin`.
 *   `userIdentity` is a struct in Lake and a flattened object in Logs Insights: `userIdentity.arn` in both.
 * - Booleans: Lake's `readOnly` is a boolean (`readOnly = false`). Logs Insights reads a JSON `false` as
 *   the number 0 (what Powertools' maintainers and users report; AWS's Logs Insights pages say nothing
 *   about JSON booleans), so the write-call filter is `readOnly = 0 or readOnly = "false"`: the first
 *   term matches the boolean as Logs Insights reads it, the second an event whose `readOnly` arrived as
 *   the string "false".
 * - Literals: Lake SQL quotes strings with '...', Logs Insights with "..." and lists with `in [...]`.
 */

/** One investigation, in both query languages. */
export interface InvestigationQuery {
  /** Stable construct-ID-safe key, e.g. 'ConsoleSignInsWithoutMfa' */
  readonly id: string;
  /** Title shown in the console, e.g. 'Console sign-ins without MFA' */
  readonly title: string;
  /** What it answers, one sentence. */
  readonly question: string;
  /** The CloudTrail Lake SQL it replaces (use $EDS_ID where Lake SQL names the event data store). */
  readonly lakeSql: string;
  /** The CloudWatch Logs Insights query (no log group in it: the query definition names them). */
  readonly logsInsights: string;
}

/** The folder of the saved queries in the Logs Insights console (a query definition's name is `<folder>/<title>`). */
export const INVESTIGATION_QUERY_FOLDER = 'CloudTrail Lake migration';

/** The time bound every Lake query carries (Lake SQL has no time picker). */
const SINCE = "eventTime > '2026-01-01 00:00:00'";

/** The placeholder principal of the by-principal query: the user replaces it. */
const EXAMPLE_PRINCIPAL = 'arn:aws:iam::111122223333:user/EXAMPLE-USER';

const lines = (...parts: string[]): string => parts.join('\n');
const sqlList = (values: readonly string[]): string => `(${values.map((v) => `'${v}'`).join(', ')})`;
const insightsList = (values: readonly string[]): string => `[${values.map((v) => `"${v}"`).join(', ')}]`;

const ACCESS_DENIED_CODES = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation'];

const IAM_CHANGES = [
  'CreateUser', 'DeleteUser', 'CreateLoginProfile', 'UpdateLoginProfile',
  'CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey',
  'AttachUserPolicy', 'DetachUserPolicy', 'PutUserPolicy', 'DeleteUserPolicy', 'AddUserToGroup',
  'CreateRole', 'DeleteRole', 'UpdateAssumeRolePolicy', 'AttachRolePolicy', 'DetachRolePolicy', 'PutRolePolicy', 'DeleteRolePolicy',
  'CreatePolicyVersion', 'SetDefaultPolicyVersion',
];

const SECURITY_GROUP_CHANGES = [
  'CreateSecurityGroup', 'DeleteSecurityGroup',
  'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
];

const CLOUDTRAIL_CHANGES = [
  'StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors',
  'StopEventDataStoreIngestion', 'UpdateEventDataStore', 'DeleteEventDataStore',
];

const BUCKET_POLICY_CHANGES = ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock'];

const KMS_KEY_DELETION = ['ScheduleKeyDeletion', 'DisableKey'];

/** The investigations, in the order the console lists them. */
export const INVESTIGATION_QUERIES: readonly InvestigationQuery[] = [
  {
    id: 'WriteCallsByPrincipal',
    title: 'Who changed what: write API calls, newest first',
    question: 'Which principal made which write (non-read-only) API call, and when, newest first?',
    lakeSql: lines(
      'SELECT eventTime, userIdentity.arn, eventSource, eventName, awsRegion, sourceIPAddress, errorCode',
      'FROM $EDS_ID',
      `WHERE readOnly = false AND ${SINCE}`,
      'ORDER BY eventTime DESC LIMIT 100',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.arn, eventSource, eventName, awsRegion, sourceIPAddress, errorCode',
      '| filter readOnly = 0 or readOnly = "false"',
      '| sort @timestamp desc',
      '| limit 100',
    ),
  },
  {
    id: 'ConsoleSignInsWithoutMfa',
    title: 'Console sign-ins without MFA',
    question: 'Who signed in to the AWS Management Console successfully without multi-factor authentication?',
    lakeSql: lines(
      'SELECT eventTime, userIdentity.type, userIdentity.arn, sourceIPAddress, userAgent',
      'FROM $EDS_ID',
      "WHERE eventSource = 'signin.amazonaws.com' AND eventName = 'ConsoleLogin'",
      "AND element_at(additionalEventData, 'MFAUsed') = 'No' AND element_at(responseElements, 'ConsoleLogin') = 'Success'",
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.type, userIdentity.arn, sourceIPAddress, userAgent',
      '| filter eventSource = "signin.amazonaws.com" and eventName = "ConsoleLogin"',
      '| filter additionalEventData.MFAUsed = "No" and responseElements.ConsoleLogin = "Success"',
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'FailedConsoleSignIns',
    title: 'Failed console sign-ins',
    question: 'Which console sign-ins failed, for whom, from where, and why?',
    lakeSql: lines(
      'SELECT eventTime, userIdentity.type, userIdentity.userName, userIdentity.arn, sourceIPAddress, errorMessage',
      'FROM $EDS_ID',
      "WHERE eventSource = 'signin.amazonaws.com' AND eventName = 'ConsoleLogin'",
      "AND element_at(responseElements, 'ConsoleLogin') = 'Failure'",
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.type, userIdentity.userName, userIdentity.arn, sourceIPAddress, errorMessage',
      '| filter eventSource = "signin.amazonaws.com" and eventName = "ConsoleLogin"',
      '| filter responseElements.ConsoleLogin = "Failure"',
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'AccessDeniedCalls',
    title: 'Access denied and unauthorized API calls',
    question: 'Which principals were denied which API calls, and how often?',
    lakeSql: lines(
      'SELECT userIdentity.arn, eventSource, eventName, errorCode, count(*) AS calls',
      'FROM $EDS_ID',
      `WHERE errorCode IN ${sqlList(ACCESS_DENIED_CODES)} AND ${SINCE}`,
      'GROUP BY userIdentity.arn, eventSource, eventName, errorCode',
      'ORDER BY calls DESC LIMIT 100',
    ),
    logsInsights: lines(
      `filter errorCode in ${insightsList(ACCESS_DENIED_CODES)}`,
      '| stats count(*) as calls by userIdentity.arn, eventSource, eventName, errorCode',
      '| sort calls desc',
      '| limit 100',
    ),
  },
  {
    id: 'RootUserActivity',
    title: 'Root user activity',
    question: "What did the account's root user do (its own calls, not calls AWS services made on its behalf)?",
    lakeSql: lines(
      'SELECT eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent, errorCode',
      'FROM $EDS_ID',
      "WHERE userIdentity.type = 'Root' AND userIdentity.invokedBy IS NULL AND eventType <> 'AwsServiceEvent'",
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, eventSource, eventName, awsRegion, sourceIPAddress, userAgent, errorCode',
      '| filter userIdentity.type = "Root" and not ispresent(userIdentity.invokedBy) and eventType != "AwsServiceEvent"',
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'CallsByPrincipal',
    title: 'API calls by one principal',
    question: `What did one principal do? Replace ${EXAMPLE_PRINCIPAL} with its ARN (an assumed role's is arn:aws:sts::<account>:assumed-role/<role>/<session>).`,
    lakeSql: lines(
      'SELECT eventTime, eventSource, eventName, awsRegion, sourceIPAddress, readOnly, errorCode',
      'FROM $EDS_ID',
      `WHERE userIdentity.arn = '${EXAMPLE_PRINCIPAL}' AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, eventSource, eventName, awsRegion, sourceIPAddress, readOnly, errorCode',
      `| filter userIdentity.arn = "${EXAMPLE_PRINCIPAL}"`,
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'MostActivePrincipals',
    title: 'Most active principals',
    question: 'Which principals made the most API calls?',
    lakeSql: lines(
      'SELECT userIdentity.arn, count(*) AS calls',
      'FROM $EDS_ID',
      `WHERE ${SINCE}`,
      'GROUP BY userIdentity.arn',
      'ORDER BY calls DESC LIMIT 25',
    ),
    logsInsights: lines(
      'fields userIdentity.arn',
      '| stats count(*) as calls by userIdentity.arn',
      '| sort calls desc',
      '| limit 25',
    ),
  },
  {
    id: 'TopEventSourcesAndNames',
    title: 'Top event sources and API calls',
    question: 'Which services and API calls appear most often?',
    lakeSql: lines(
      'SELECT eventSource, eventName, count(*) AS calls',
      'FROM $EDS_ID',
      `WHERE ${SINCE}`,
      'GROUP BY eventSource, eventName',
      'ORDER BY calls DESC LIMIT 50',
    ),
    logsInsights: lines(
      'fields eventSource, eventName',
      '| stats count(*) as calls by eventSource, eventName',
      '| sort calls desc',
      '| limit 50',
    ),
  },
  {
    id: 'IamChanges',
    title: 'IAM user, access key, role and policy changes',
    question: 'Who created or deleted IAM users, roles and access keys, or changed their policies?',
    lakeSql: lines(
      "SELECT eventTime, userIdentity.arn, eventName, element_at(requestParameters, 'userName') AS userName,",
      "element_at(requestParameters, 'roleName') AS roleName, element_at(requestParameters, 'policyArn') AS policyArn, errorCode",
      'FROM $EDS_ID',
      `WHERE eventSource = 'iam.amazonaws.com' AND eventName IN ${sqlList(IAM_CHANGES)}`,
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.arn, eventName, requestParameters.userName, requestParameters.roleName, requestParameters.policyArn, errorCode',
      '| filter eventSource = "iam.amazonaws.com"',
      `| filter eventName in ${insightsList(IAM_CHANGES)}`,
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'SecurityGroupChanges',
    title: 'Security group changes',
    question: 'Who created, deleted or changed the rules of which security groups?',
    lakeSql: lines(
      "SELECT eventTime, userIdentity.arn, eventName, element_at(requestParameters, 'groupId') AS groupId, errorCode",
      'FROM $EDS_ID',
      `WHERE eventSource = 'ec2.amazonaws.com' AND eventName IN ${sqlList(SECURITY_GROUP_CHANGES)}`,
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.arn, eventName, requestParameters.groupId, errorCode',
      '| filter eventSource = "ec2.amazonaws.com"',
      `| filter eventName in ${insightsList(SECURITY_GROUP_CHANGES)}`,
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'CloudTrailChanges',
    title: 'CloudTrail logging changes',
    question: 'Who stopped, deleted or reconfigured a trail or an event data store?',
    lakeSql: lines(
      "SELECT eventTime, userIdentity.arn, eventName, element_at(requestParameters, 'name') AS name,",
      "element_at(requestParameters, 'trailName') AS trailName, element_at(requestParameters, 'eventDataStore') AS eventDataStore, errorCode",
      'FROM $EDS_ID',
      `WHERE eventSource = 'cloudtrail.amazonaws.com' AND eventName IN ${sqlList(CLOUDTRAIL_CHANGES)}`,
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.arn, eventName, requestParameters.name, requestParameters.trailName, requestParameters.eventDataStore, errorCode',
      '| filter eventSource = "cloudtrail.amazonaws.com"',
      `| filter eventName in ${insightsList(CLOUDTRAIL_CHANGES)}`,
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'S3BucketPolicyChanges',
    title: 'S3 bucket policy, ACL and public access changes',
    question: "Who changed which bucket's policy, ACL or public access block?",
    lakeSql: lines(
      "SELECT eventTime, userIdentity.arn, eventName, element_at(requestParameters, 'bucketName') AS bucketName, errorCode",
      'FROM $EDS_ID',
      `WHERE eventSource = 's3.amazonaws.com' AND eventName IN ${sqlList(BUCKET_POLICY_CHANGES)}`,
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.arn, eventName, requestParameters.bucketName, errorCode',
      '| filter eventSource = "s3.amazonaws.com"',
      `| filter eventName in ${insightsList(BUCKET_POLICY_CHANGES)}`,
      '| sort @timestamp desc',
    ),
  },
  {
    id: 'KmsKeyDeletion',
    title: 'KMS keys scheduled for deletion or disabled',
    question: 'Who scheduled which KMS key for deletion, or disabled it, and when is it deleted?',
    lakeSql: lines(
      "SELECT eventTime, userIdentity.arn, eventName, element_at(requestParameters, 'keyId') AS keyId,",
      "element_at(responseElements, 'deletionDate') AS deletionDate, errorCode",
      'FROM $EDS_ID',
      `WHERE eventSource = 'kms.amazonaws.com' AND eventName IN ${sqlList(KMS_KEY_DELETION)}`,
      `AND ${SINCE}`,
      'ORDER BY eventTime DESC',
    ),
    logsInsights: lines(
      'fields @timestamp, userIdentity.arn, eventName, requestParameters.keyId, responseElements.deletionDate, errorCode',
      '| filter eventSource = "kms.amazonaws.com"',
      `| filter eventName in ${insightsList(KMS_KEY_DELETION)}`,
      '| sort @timestamp desc',
    ),
  },
];

/** A query on one line, as inline Markdown code in a table cell. */
function cell(query: string): string {
  const oneLine = query.replace(/\s*\n\s*/g, ' ').trim();
  return `\`${oneLine.replace(/\|/g, '\\|')}\``;
}

/** The Markdown table of the README's "From Lake SQL to Logs Insights": one row per investigation. */
export function lakeToLogsInsightsTable(): string {
  const rows = INVESTIGATION_QUERIES.map((q) => `| ${q.title.replace(/\|/g, '\\|')} | ${cell(q.lakeSql)} | ${cell(q.logsInsights)} |`);
  return ['| Investigation | CloudTrail Lake SQL | CloudWatch Logs Insights |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * The event data store the integ tests import. Chosen to cost as little as a store can: the
 * minimum retention (7 days, extendable pricing), only management write events, this region only,
 * and no termination protection, so that `integ-runner` (`cdk destroy`) can delete it (CloudTrail
 * then keeps it in PENDING_DELETION for 7 days before it disappears).
 */
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { Construct } from 'constructs';

export function testEventDataStore(
  scope: Construct,
  id: string,
  props: Partial<cloudtrail.CfnEventDataStoreProps> = {},
): cloudtrail.CfnEventDataStore {
  return new cloudtrail.CfnEventDataStore(scope, id, {
    billingMode: 'EXTENDABLE_RETENTION_PRICING',
    retentionPeriod: 7,
    multiRegionEnabled: false,
    organizationEnabled: false,
    terminationProtectionEnabled: false,
    advancedEventSelectors: [{
      name: 'Management write events only',
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Management'] },
        { field: 'readOnly', equalTo: ['false'] },
      ],
    }],
    ...props,
  });
}

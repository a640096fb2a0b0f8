/**
 * The demo's airlock: each provider whose data is used and two board members approve, each
 * signing the digest recorded for the candidate; then the broker publishes, which recomputes
 * the digest of `releases/<id>/` and refuses files that are not the approved content.
 */
import { approveAsDemo, type DemoGovernance } from '../governance/index.js';

export async function passAirlock(demo: DemoGovernance, releaseId: string) {
  const reviewed = await approveAsDemo(demo, releaseId);
  if (!reviewed.approval.ready) {
    throw new Error(`release ${releaseId} is not approved: ${JSON.stringify(reviewed.approval)}`);
  }
  const published = await demo.governance.publish(demo.broker.id, releaseId);
  return {
    approvals: published.reviews.filter((r) => r.decision === 'approve').length,
    digest: published.digest,
    release: published,
  };
}

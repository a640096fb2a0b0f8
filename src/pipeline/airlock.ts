/** The demo's airlock: each provider whose data is used and two board members approve; then publish. */
import { approveAsDemo, type DemoGovernance } from '../governance/index.js';

export async function passAirlock(demo: DemoGovernance, releaseId: string) {
  const reviewed = await approveAsDemo(demo, releaseId);
  if (!reviewed.approval.ready) {
    throw new Error(`release ${releaseId} is not approved: ${JSON.stringify(reviewed.approval)}`);
  }
  const published = await demo.governance.publish(demo.broker.id, releaseId);
  return {
    approvals: published.reviews.filter((r) => r.decision === 'approve').length,
    release: published,
  };
}

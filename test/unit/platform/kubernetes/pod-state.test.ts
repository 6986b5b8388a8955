/** Pod status → what it means for the run (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTerminal, podState } from '../../../../src/platform/kubernetes/pod-state.ts';

const pod = (status: object) => ({ status });
const waiting = (reason: string, phase = 'Pending') => pod({ phase, containerStatuses: [{ state: { waiting: { reason, message: 'm' } } }] });

test('crash states are stuck; ContainerCreating is pending', () => {
  for (const r of ['ImagePullBackOff', 'ErrImagePull', 'CrashLoopBackOff', 'CreateContainerConfigError', 'InvalidImageName']) {
    assert.deepEqual(podState(waiting(r, r === 'CrashLoopBackOff' ? 'Running' : 'Pending')), { kind: 'stuck', reason: r, message: 'm' });
  }
  assert.equal(podState(waiting('ContainerCreating')).kind, 'pending');
  assert.deepEqual(podState(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'Insufficient cpu' }] })), { kind: 'stuck', reason: 'Unschedulable', message: 'Insufficient cpu' });
});

test('finished: Succeeded with exit 0, Failed with reason (OOMKilled) and exit code; deleted is gone', () => {
  assert.deepEqual(podState(pod({ phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] })), { kind: 'succeeded', reason: 'Completed', exitCode: 0 });
  assert.deepEqual(podState(pod({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] })), { kind: 'failed', reason: 'OOMKilled', exitCode: 137 });
  assert.equal(podState(undefined).kind, 'gone');
  assert.equal(podState(pod({ phase: 'Running' })).kind, 'running');
  assert.equal(isTerminal(podState(pod({ phase: 'Running' }))), false);
  assert.equal(isTerminal(podState(waiting('ErrImagePull'))), true);
});

// Placement on a multi-node cluster: siblings spread over nodes and zones by preference only, and
// PodDisruptionBudgets that count exactly the pods they protect and allow no more disruption than they survive.
import { describe, expect, test } from '@jest/globals';
import { Chart, Testing } from 'cdk8s';
import { ChaincodeService } from './chaincode-service';
import { OrderingService, type OrderingServiceProps } from './ordering-service';
import { HOSTNAME_TOPOLOGY, ZONE_TOPOLOGY } from './placement';
import {
  find,
  podTemplate,
  synthNetwork,
  synthProvider,
  workloads,
  type Manifest,
} from './test-support/manifests';

interface Budget {
  maxUnavailable?: number;
  minAvailable?: number;
  selector: { matchLabels: Record<string, string> };
}

interface Placement {
  affinity?: {
    podAntiAffinity?: {
      preferredDuringSchedulingIgnoredDuringExecution?: {
        weight: number;
        podAffinityTerm: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } };
      }[];
      requiredDuringSchedulingIgnoredDuringExecution?: unknown[];
    };
  };
  topologySpreadConstraints?: {
    topologyKey: string;
    maxSkew: number;
    whenUnsatisfiable: string;
    labelSelector: { matchLabels: Record<string, string> };
  }[];
}

const budgets = (objects: readonly Manifest[]): Manifest[] =>
  objects.filter((o) => o.kind === 'PodDisruptionBudget');
const budgetSpec = (budget: Manifest): Budget => budget['spec'] as Budget;
const placement = (workload: Manifest): Placement => podTemplate(workload).spec as Placement;

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** `<kind>/<name>` of the workloads in the budget's namespace whose pods it counts. */
function selectedWorkloads(objects: readonly Manifest[], budget: Manifest): string[] {
  return workloads(objects)
    .filter((w) => w.metadata.namespace === budget.metadata.namespace)
    .filter((w) => matches(budgetSpec(budget).selector.matchLabels, podTemplate(w).metadata.labels))
    .map((w) => `${w.kind}/${w.metadata.name}`)
    .sort();
}

function synthOrderers(props: Partial<OrderingServiceProps> = {}): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', {
    namespace: 'emr-orderer',
    disableResourceNameHashes: true,
  });
  new OrderingService(chart, 'orderers', { org: { name: 'orderer', mspId: 'OrdererMSP' }, ...props });
  return Testing.synth(chart) as Manifest[];
}

describe('the Raft orderers', () => {
  const objects = synthNetwork();
  const orderers = find(objects, 'StatefulSet', 'orderer');
  const selector = (orderers['spec'] as { selector: { matchLabels: Record<string, string> } }).selector
    .matchLabels;

  test('get a policy/v1 budget that lets drains take one of three, counting exactly the orderer pods', () => {
    const budget = find(objects, 'PodDisruptionBudget', 'orderer', 'emr-orderer');
    expect(budget.apiVersion).toBe('policy/v1');
    expect(budgetSpec(budget)).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
    expect(selectedWorkloads(objects, budget)).toEqual(['StatefulSet/orderer']);
    expect(budget.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'orderer' });
  });

  test('prefer a node of their own and an even share of zones, and require neither', () => {
    const { affinity, topologySpreadConstraints } = placement(orderers);
    expect(affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: { topologyKey: HOSTNAME_TOPOLOGY, labelSelector: { matchLabels: selector } },
          },
        ],
      },
    });
    expect(topologySpreadConstraints).toEqual([
      {
        topologyKey: ZONE_TOPOLOGY,
        maxSkew: 1,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector },
      },
    ]);
    // The selectors find the orderers themselves: otherwise nothing would be spread.
    expect(matches(selector, podTemplate(orderers).metadata.labels)).toBe(true);
  });

  test.each([
    [1, []],
    [2, []],
    [3, [1]],
    [5, [2]],
    [7, [3]],
  ])('%i orderers: maxUnavailable %j, what Raft tolerates (no budget below 3)', (replicas, expected) => {
    expect(budgets(synthOrderers({ replicas })).map((b) => budgetSpec(b).maxUnavailable)).toEqual(expected);
  });

  test('a budget can be tightened or dropped, never widened past the quorum', () => {
    expect(
      budgetSpec(budgets(synthOrderers({ replicas: 5, disruptionBudget: { maxUnavailable: 1 } }))[0]!),
    ).toMatchObject({ maxUnavailable: 1 });
    // Explicitly asked for, even a single orderer gets one: a budget of 0 holds every drain for a person.
    expect(
      budgetSpec(budgets(synthOrderers({ replicas: 1, disruptionBudget: { maxUnavailable: 0 } }))[0]!),
    ).toMatchObject({ maxUnavailable: 0 });
    expect(budgets(synthOrderers({ disruptionBudget: false }))).toEqual([]);
    expect(() => synthOrderers({ replicas: 3, disruptionBudget: { maxUnavailable: 2 } })).toThrow(
      /tolerate losing 1.*break their quorum/,
    );
  });

  test('spreading can be narrowed to nodes, or switched off', () => {
    const nodesOnly = placement(
      find(synthOrderers({ spread: { acrossZones: false } }), 'StatefulSet', 'orderer'),
    );
    expect(nodesOnly.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(
      1,
    );
    expect(nodesOnly.topologySpreadConstraints).toBeUndefined();
    const none = placement(find(synthOrderers({ spread: false }), 'StatefulSet', 'orderer'));
    expect(none.affinity).toBeUndefined();
    expect(none.topologySpreadConstraints).toBeUndefined();
  });
});

describe("a provider's peers, chaincode server and gateway", () => {
  const objects = synthProvider('provider3', { peers: 3 });
  const orgPeers = {
    'app.kubernetes.io/part-of': 'emr-network',
    'app.kubernetes.io/component': 'peer',
    'emr-fabric.dev/org': 'provider3',
  };

  test("each peer avoids the nodes and zones of the org's other peers", () => {
    for (const name of ['peer0-provider3', 'peer1-provider3', 'peer2-provider3']) {
      const { affinity, topologySpreadConstraints } = placement(find(objects, 'StatefulSet', name));
      const [term] = affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      expect(term?.podAffinityTerm).toEqual({
        topologyKey: HOSTNAME_TOPOLOGY,
        labelSelector: { matchLabels: orgPeers },
      });
      expect(topologySpreadConstraints?.[0]).toMatchObject({
        topologyKey: ZONE_TOPOLOGY,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: orgPeers },
      });
      expect(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    }
  });

  test('one budget over all the peers lets a drain take one at a time', () => {
    const budget = find(objects, 'PodDisruptionBudget', 'peers-provider3');
    expect(budgetSpec(budget)).toEqual({ maxUnavailable: 1, selector: { matchLabels: orgPeers } });
    expect(selectedWorkloads(objects, budget)).toEqual([
      'StatefulSet/peer0-provider3',
      'StatefulSet/peer1-provider3',
      'StatefulSet/peer2-provider3',
    ]);
  });

  test('the one-replica gateway and chaincode server are spread but get no budget (it would protect nothing)', () => {
    expect(budgets(objects).map((b) => b.metadata.name)).toEqual(['peers-provider3']);
    for (const workload of [
      find(objects, 'Deployment', 'gateway-provider3'),
      find(objects, 'Deployment', 'chaincode-provider3'),
    ]) {
      const own = (workload['spec'] as { selector: { matchLabels: Record<string, string> } }).selector
        .matchLabels;
      const [term] =
        placement(workload).affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      expect(term?.podAffinityTerm.labelSelector.matchLabels).toEqual(own);
    }
  });

  test('one peer gets no budget; budgets and spreading can be switched off for the org', () => {
    expect(budgets(synthProvider('provider4'))).toEqual([]);
    const off = synthProvider('provider5', { peers: 2, peerDisruptionBudget: false, spread: false });
    expect(budgets(off)).toEqual([]);
    for (const workload of workloads(off)) {
      expect(placement(workload).affinity).toBeUndefined();
      expect(placement(workload).topologySpreadConstraints).toBeUndefined();
    }
  });

  test('a chaincode server with several replicas gets a budget of one over its own pods', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'p', disableResourceNameHashes: true });
    new ChaincodeService(chart, 'cc', { org: { name: 'provider3', mspId: 'Provider3MSP' }, replicas: 3 });
    const synthesized = Testing.synth(chart) as Manifest[];
    const budget = find(synthesized, 'PodDisruptionBudget', 'chaincode-provider3');
    expect(budgetSpec(budget).maxUnavailable).toBe(1);
    expect(selectedWorkloads(synthesized, budget)).toEqual(['Deployment/chaincode-provider3']);
  });
});

describe('the example network', () => {
  const objects = synthNetwork({ peersPerProvider: 2 });

  test('every budget counts the pods of at least one workload and no pods of another component', () => {
    expect(budgets(objects).map((b) => `${b.metadata.namespace}/${b.metadata.name}`)).toEqual([
      'emr-orderer/orderer',
      'emr-provider1/peers-provider1',
      'emr-provider2/peers-provider2',
    ]);
    for (const budget of budgets(objects)) {
      const selected = selectedWorkloads(objects, budget);
      expect(selected.length).toBeGreaterThan(0);
      const components = new Set(
        workloads(objects)
          .filter((w) => selected.includes(`${w.kind}/${w.metadata.name}`))
          .map((w) => w.metadata.labels?.['app.kubernetes.io/component']),
      );
      expect(components.size).toBe(1);
    }
  });

  test('nothing is required of the scheduler: every placement rule is a preference', () => {
    for (const workload of workloads(objects)) {
      const { affinity, topologySpreadConstraints } = placement(workload);
      expect(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
      for (const constraint of topologySpreadConstraints ?? []) {
        expect(constraint.whenUnsatisfiable).toBe('ScheduleAnyway');
      }
    }
  });

  test('can go without budgets', () => {
    expect(budgets(synthNetwork({ disruptionBudgets: false, peersPerProvider: 2 }))).toEqual([]);
  });
});

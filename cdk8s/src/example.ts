import { App, Chart, YamlOutputType } from 'cdk8s';
import { defaultNetworkModel } from '@emr/network';
import { EmrNetwork, type EmrNetworkProps } from './emr-network';

/** The example network `make synth` writes: the ordering org and two providers, one namespace each. */
export const EXAMPLE_NETWORK: EmrNetworkProps = { model: defaultNetworkModel(2) };

/** A Chart holding an EmrNetwork; objects without a namespace of their own (Namespaces) stay cluster-scoped. */
export function networkChart(app: App, props: EmrNetworkProps = EXAMPLE_NETWORK): Chart {
  const chart = new Chart(app, 'emr-network', { disableResourceNameHashes: true });
  new EmrNetwork(chart, 'network', props);
  return chart;
}

/** Synthesizes the example network into `outdir` (one YAML file, objects in dependency order). */
export function synthExample(outdir: string, props: EmrNetworkProps = EXAMPLE_NETWORK): string[] {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  networkChart(app, props);
  app.synth();
  return [`${outdir}/emr-network.k8s.yaml`];
}

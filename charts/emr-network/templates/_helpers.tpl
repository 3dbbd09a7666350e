{{/* chart-version, for the helm.sh/chart label of every generated object. */}}
{{- define "emr-network.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

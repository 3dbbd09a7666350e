{{/* Chart name, at most 63 characters. */}}
{{- define "emr-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: release-chart, at most 63 characters (DNS label). */}}
{{- define "emr-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, for the helm.sh/chart label. */}}
{{- define "emr-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels of every object. */}}
{{- define "emr-operator.labels" -}}
helm.sh/chart: {{ include "emr-operator.chart" . }}
{{ include "emr-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: emr-network
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Small, immutable selector labels. The NetworkPolicies of the network admit the operator by name. */}}
{{- define "emr-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "emr-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* ServiceAccount the operator runs as. */}}
{{- define "emr-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "emr-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image. */}}
{{- define "emr-operator.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if hasPrefix "sha256:" $tag }}
{{- printf "%s@%s" .Values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Labels and annotations of the CRDs (generated templates/crds/*.yaml include this). */}}
{{- define "emr-operator.crdMetadata" -}}
labels:
  {{- include "emr-operator.labels" . | nindent 2 }}
{{- if .Values.crds.keep }}
annotations:
  helm.sh/resource-policy: keep
{{- end }}
{{- end }}

{{/* RBAC rules: what the operator reconciles and renders in the providers' namespaces; nothing else. */}}
{{- define "emr-operator.workloadRules" -}}
# MedicalProviders and EmrNetworks: watch, add and remove finalizers (patch), write status; never replace
# (update) or delete them. operator/test/rbac.test.ts runs the operator with exactly these rules.
- apiGroups: ["emr-fabric.dev"]
  resources: ["medicalproviders", "emrnetworks"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["emr-fabric.dev"]
  resources: ["medicalproviders/status", "emrnetworks/status"]
  verbs: ["patch"]
# Owner references with blockOwnerDeletion, where the OwnerReferencesPermissionEnforcement admission plugin is on.
- apiGroups: ["emr-fabric.dev"]
  resources: ["medicalproviders/finalizers", "emrnetworks/finalizers"]
  verbs: ["update"]
# The objects rendered from the cdk8s constructs: server-side apply (patch; create for new objects), readiness
# and the rendering hash (get), cleanup by label (list, delete). Nothing watches them.
- apiGroups: [""]
  resources: ["services", "configmaps", "secrets", "persistentvolumeclaims"]
  verbs: ["get", "list", "create", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["statefulsets", "deployments"]
  verbs: ["get", "list", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies", "ingresses"]
  verbs: ["get", "list", "create", "patch", "delete"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "list", "create", "patch", "delete"]
# The orderers' and peers' PodDisruptionBudgets: applied and deleted by name, never listed.
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "create", "patch", "delete"]
# core/v1 Events on every transition (a repeated one is counted by a patch).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}

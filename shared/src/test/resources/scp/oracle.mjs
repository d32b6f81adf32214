// The test-time SCP oracle (ScpOracleTest): reads {"scp": SCP, "requests": [{action, principal, account,
// resource, context}]} on stdin and prints, per request, {"result": "Allowed" | "ExplicitlyDenied" | ...}
// or {"error": ...} as @cloud-copilot/iam-simulate (AGPL-3.0, installed by tools/scp-oracle-install,
// never shipped) decides it with the SCP beside FullAWSAccess and an identity policy that allows all.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const input = JSON.parse(await new Promise((resolve) => {
  let text = ''
  process.stdin.on('data', (chunk) => { text += chunk })
  process.stdin.on('end', () => resolve(text))
}))
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }
const results = []
for (const request of input.requests) {
  const response = await runSimulation({
    identityPolicies: [{ name: 'AllowAll', policy: allowAll }],
    serviceControlPolicies: [{
      orgIdentifier: 'o-exampleorg1',
      policies: [{ name: 'FullAWSAccess', policy: allowAll }, { name: 'Guardrail', policy: input.scp }]
    }],
    resourceControlPolicies: [],
    request: {
      action: request.action,
      principal: request.principal,
      resource: { accountId: request.account, resource: request.resource },
      contextVariables: request.context
    }
  }, {})
  results.push(response.resultType === 'error' ? { error: response.errors } : { result: response.overallResult })
}
console.log(JSON.stringify(results))

// ARM error mapping with realistic error bodies (shapes and messages as ARM returns them: common-types
// ErrorResponse with details/additionalInfo; policy info as in Azure Policy's PolicyViolation docs).
import { expect } from 'chai';
import { RestError } from '@azure/core-rest-pipeline';
import { explainArmError, formatArmError, rootCauses, toCliError } from '@complianceflow/cli/arm-errors/index.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';

const sub = '/subscriptions/11111111-1111-1111-1111-111111111111';
const rg = `${sub}/resourceGroups/rg-cf-westeu-test-1`;

const policyDenied = {
  error: {
    code: 'RequestDisallowedByPolicy',
    target: 'stcfflowweutest1',
    message:
      "Resource 'stcfflowweutest1' was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"Secure transfer to storage accounts should be enabled\",\"id\":\"/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.Authorization/policyAssignments/deny_http_storage\"},\"policyDefinition\":{\"name\":\"Secure transfer to storage accounts should be enabled\",\"id\":\"/providers/Microsoft.Authorization/policyDefinitions/404c3081-a854-4457-ae30-26a93ef643f9\"}}]'.",
    additionalInfo: [
      {
        type: 'PolicyViolation',
        info: {
          evaluationDetails: {
            evaluatedExpressions: [
              { result: 'True', expressionKind: 'Field', expression: 'type', path: 'type', expressionValue: 'Microsoft.Storage/storageAccounts', targetValue: 'Microsoft.Storage/storageAccounts', operator: 'Equals' },
              { result: 'False', expressionKind: 'Field', expression: 'Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly', path: 'properties.supportsHttpsTrafficOnly', expressionValue: false, targetValue: 'True', operator: 'Equals' },
            ],
          },
          policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/404c3081-a854-4457-ae30-26a93ef643f9',
          policyDefinitionName: '404c3081-a854-4457-ae30-26a93ef643f9',
          policyDefinitionDisplayName: 'Secure transfer to storage accounts should be enabled',
          policyDefinitionEffect: 'Deny',
          policyAssignmentId: `${sub}/providers/Microsoft.Authorization/policyAssignments/deny_http_storage`,
          policyAssignmentName: 'deny_http_storage',
          policyAssignmentDisplayName: 'Secure transfer to storage accounts should be enabled',
          policyAssignmentScope: sub,
          policyAssignmentParameters: { effect: { value: 'Deny' } },
        },
      },
    ],
  },
};

describe('ARM errors: one explanation per code', () => {
  it('RequestDisallowedByPolicy: which assignment, which definition, which rule', () => {
    const e = explainArmError(policyDenied);
    expect(e.code).to.equal('RequestDisallowedByPolicy');
    expect(e.headline).to.equal('Azure Policy denied resource "stcfflowweutest1".');
    expect(e.specifics).to.include(`assignment: Secure transfer to storage accounts should be enabled (deny_http_storage) at ${sub}`);
    expect(e.specifics).to.include(
      'definition: Secure transfer to storage accounts should be enabled (/providers/Microsoft.Authorization/policyDefinitions/404c3081-a854-4457-ae30-26a93ef643f9), effect Deny',
    );
    expect(e.specifics).to.include('rule: properties.supportsHttpsTrafficOnly Equals "True" — the resource has false (False)');
    expect(e.action).to.include('exemption');
    expect(e.exitCode).to.equal(ExitCode.Failed);
  });

  it('SkuNotAvailable: the SKU and region, and how to list what the region offers', () => {
    const e = explainArmError({
      error: {
        code: 'SkuNotAvailable',
        target: `${rg}/providers/Microsoft.Compute/virtualMachines/vm-jump`,
        message:
          "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D2s_v3' is currently not available in location 'westeurope'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.",
      },
    });
    expect(e.headline).to.equal('SKU Standard_D2s_v3 is not available in westeurope for this subscription.');
    expect(e.specifics).to.include.members(['SKU: Standard_D2s_v3', 'region: westeurope']);
    expect(e.action).to.include('az vm list-skus --location westeurope').and.include('deployments/profiles/<env>.yaml');
  });

  it('QuotaExceeded: which quota, limit, usage and need, and how to ask for more', () => {
    const e = explainArmError({
      error: {
        code: 'QuotaExceeded',
        message:
          "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 10, Current Usage: 8, Additional Required: 4, (Minimum) New Limit Required: 12. Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/Parameters/ by specifying parameters listed in the 'Details' section for deployment to succeed.",
      },
    });
    expect(e.headline).to.equal("The subscription's Total Regional Cores quota would be exceeded in westeurope.");
    expect(e.specifics).to.deep.equal([
      'quota: Total Regional Cores',
      'region: westeurope',
      'limit: 10',
      'in use: 8',
      'this deployment needs: 4 more',
      'new limit needed: at least 12',
    ]);
    expect(e.action).to.include('quota request');
    // The same facts arrive as OperationNotAllowed from some providers.
    expect(explainArmError({ error: { code: 'OperationNotAllowed', message: 'Operation results in exceeding quota limits of Core. Maximum allowed: 4, Current in use: 4, Additional requested: 2.' } }).headline).to.include('quota');
  });

  it("AuthorizationFailed: the missing action parsed from the message, the role that grants it, our deployment role", () => {
    const body = {
      error: {
        code: 'AuthorizationFailed',
        message: `The client 'd2e1a5f4-0000-4000-8000-000000000001' with object id 'd2e1a5f4-0000-4000-8000-000000000001' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${rg}/providers/Microsoft.KeyVault/vaults/kv-cf-weu-test-1/providers/Microsoft.Authorization/roleAssignments/5f0c6b7e-1111-2222-3333-444455556666' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    };
    const e = explainArmError(body, { deploymentRoleName: 'cf-infra deployer' });
    expect(e.specifics).to.include('missing action: Microsoft.Authorization/roleAssignments/write');
    expect(e.specifics.some((s) => s.startsWith('built-in role that grants it: Role Based Access Control Administrator'))).to.equal(true);
    expect(e.specifics).to.include('identity: d2e1a5f4-0000-4000-8000-000000000001');
    expect(e.action).to.include('add Microsoft.Authorization/roleAssignments/write to the role "cf-infra deployer"');
    const deny = explainArmError({
      error: { code: 'AuthorizationFailed', message: `The client 'x' with object id 'x' does not have authorization to perform action 'Microsoft.Resources/deploymentStacks/manageDenySetting/action' over scope '${sub}' or the scope is invalid.` },
    });
    expect(deny.specifics.join('\n')).to.include('Azure Deployment Stack Owner');
  });

  it('LinkedAuthorizationFailed: the missing action is the linked one, on the linked scope (not the target\'s write)', () => {
    const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1`;
    const link = `${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/virtualNetworkLinks/vnet`;
    const e = explainArmError(
      {
        error: {
          code: 'LinkedAuthorizationFailed',
          message: `The client 'c1' with object id 'c1' has permission to perform action 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write' on scope '${link}'; however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/join/action' on the linked scope(s) '${vnet}' (respectively) or the linked scope(s) are invalid.`,
        },
      },
      { deploymentRoleName: 'cf-infra deployer' },
    );
    expect(e.headline).to.include('may not Microsoft.Network/virtualNetworks/join/action on the linked');
    expect(e.specifics).to.include('missing linked action: Microsoft.Network/virtualNetworks/join/action');
    expect(e.specifics).to.include(`linked scope: ${vnet}`);
    expect(e.action).to.include('add Microsoft.Network/virtualNetworks/join/action to the role "cf-infra deployer"');
  });

  it('DeploymentStackInNonTerminalState: another run of this stack is in progress (exit code 3)', () => {
    const e = explainArmError(
      {
        error: {
          code: 'DeploymentStackInNonTerminalState',
          message: "The deployment stack 'cf-westeu-test-1' is in a non-terminal state 'deploying'. Please wait for the current operation to complete before performing another operation.",
        },
      },
      { deployment: 'westeu-test-1' },
    );
    expect(e.headline).to.equal('Another operation on deployment stack "cf-westeu-test-1" is still running.');
    expect(e.action).to.include('cf-infra list').and.include('cf-infra unlock westeu-test-1 --force');
    expect(e.exitCode).to.equal(ExitCode.Locked);
  });

  it('InvalidTemplate: file and line (and the source a locator maps it to)', () => {
    const e = explainArmError(
      {
        error: {
          code: 'InvalidTemplate',
          message:
            "Deployment template validation failed: 'The template resource 'kv-cf-weu-test-1/redis-connection' at line '412' and column '9' is not valid: The template function 'reference' is not expected at this location. Please see https://aka.ms/arm-functions for usage details.'.",
        },
      },
      { templateFile: 'build/westeu-test-1/main.json', locate: (line) => (line === 412 ? 'bicep/modules/data/main.bicep:57' : undefined) },
    );
    expect(e.specifics).to.include('at build/westeu-test-1/main.json:412:9 (bicep/modules/data/main.bicep:57)');
    expect(e.specifics).to.include('resource: kv-cf-weu-test-1/redis-connection');
  });

  it('DeploymentFailed: the failed resources with their inner errors, recursively, JSON-in-message unpacked', () => {
    const body = {
      status: 'Failed',
      error: {
        code: 'DeploymentFailed',
        target: `${sub}/providers/Microsoft.Resources/deployments/cf-westeu-test-1`,
        message: 'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
        details: [
          {
            code: 'ResourceDeploymentFailure',
            target: `${rg}/providers/Microsoft.Resources/deployments/tier-data`,
            message: "The resource write operation failed to complete successfully, because it reached terminal provisioning state 'Failed'.",
            details: [
              {
                code: 'DeploymentFailed',
                target: `${rg}/providers/Microsoft.Resources/deployments/tier-data`,
                message: 'At least one resource deployment operation failed.',
                details: [
                  {
                    code: 'BadRequest',
                    target: `${rg}/providers/Microsoft.KeyVault/vaults/kv-cf-weu-test-1`,
                    message: '{\r\n  "error": {\r\n    "code": "VaultAlreadyExists",\r\n    "message": "The vault name \'kv-cf-weu-test-1\' is already in use. Vault names are globally unique."\r\n  }\r\n}',
                  },
                ],
              },
            ],
          },
          { code: 'RequestDisallowedByPolicy', target: 'stcfflowweutest1', message: policyDenied.error.message, additionalInfo: policyDenied.error.additionalInfo },
        ],
      },
    };
    const e = explainArmError(body);
    expect(e.headline).to.equal('The deployment failed (DeploymentFailed): 2 inner errors');
    const roots = rootCauses(e);
    expect(roots.map((r) => r.code)).to.deep.equal(['VaultAlreadyExists', 'RequestDisallowedByPolicy']);
    expect(roots[0]!.target).to.equal(`${rg}/providers/Microsoft.KeyVault/vaults/kv-cf-weu-test-1`);
    expect(roots[0]!.headline).to.include("The vault name 'kv-cf-weu-test-1' is already in use");
    const text = formatArmError(e).join('\n');
    // Nested deployments (tier modules) are flattened into a "via" line under the failed resource.
    expect(e.causes.map((c) => c.code)).to.deep.equal(['VaultAlreadyExists', 'RequestDisallowedByPolicy']);
    expect(text).to.include(
      [
        "  - ARM error VaultAlreadyExists: The vault name 'kv-cf-weu-test-1' is already in use. Vault names are globally unique.",
        `      resource: ${rg}/providers/Microsoft.KeyVault/vaults/kv-cf-weu-test-1`,
        `      via ${rg}/providers/Microsoft.Resources/deployments/tier-data`,
      ].join('\n'),
    );
    expect(text).to.include('RequestDisallowedByPolicy: Azure Policy denied resource "stcfflowweutest1".');
    expect(text).to.include('what to do: change the resource');
  });

  it('InvalidTemplateDeployment wrapping a policy deny (preflight) surfaces the deny in the headline', () => {
    const e = explainArmError({
      error: {
        code: 'InvalidTemplateDeployment',
        message: "The template deployment 'cf-westeu-test-1' is not valid according to the validation procedure. The tracking id is '0f6e'. See inner errors for details.",
        details: [policyDenied.error],
      },
    });
    expect(e.headline).to.equal('ARM refused the deployment at validation (InvalidTemplateDeployment): 1 inner error — Azure Policy denied resource "stcfflowweutest1".');
    expect(e.action).to.include('exemption');
  });

  it('a failed stack (properties.error + failedResources) lists each failed resource', () => {
    const e = explainArmError({
      provisioningState: 'failed',
      error: { code: 'DeploymentStackDeploymentFailed', message: 'One or more resources could not be deployed.' },
      failedResources: [
        { id: `${rg}/providers/Microsoft.Cache/redisEnterprise/redis-cf-westeu-test-1`, error: { code: 'SkuNotAvailable', message: "The requested SKU 'Balanced_B1' is currently not available in location 'westeurope'." } },
      ],
    });
    expect(rootCauses(e)[0]).to.include({ code: 'SkuNotAvailable', target: `${rg}/providers/Microsoft.Cache/redisEnterprise/redis-cf-westeu-test-1` });
    expect(rootCauses(e)[0]!.headline).to.equal('SKU Balanced_B1 is not available in westeurope for this subscription.');
  });

  it('an unknown code keeps its code and message', () => {
    const e = explainArmError({ error: { code: 'MissingSubscriptionRegistration', message: "The subscription is not registered to use namespace 'Microsoft.App'." } });
    expect(e.headline).to.equal("ARM error MissingSubscriptionRegistration: The subscription is not registered to use namespace 'Microsoft.App'.");
    expect(e.exitCode).to.equal(ExitCode.Failed);
    expect(explainArmError(new Error('socket hang up')).headline).to.equal('ARM error Unknown: socket hang up');
  });

  it('reads the Azure SDK RestError (parsed body in details) and turns it into a CliError without losing the exit code', () => {
    const error = new RestError(policyDenied.error.message, { code: 'RequestDisallowedByPolicy', statusCode: 403 });
    error.details = policyDenied;
    const e = explainArmError(error);
    expect(e.specifics.join('\n')).to.include('deny_http_storage');
    const cli = toCliError(explainArmError({ error: { code: 'DeploymentStackInNonTerminalState', message: "The deployment stack 'cf-a' is in a non-terminal state." } }));
    expect(cli).to.be.instanceOf(CliError);
    expect(cli.exitCode).to.equal(ExitCode.Locked);
    expect(cli.message.split('\n')[0]).to.equal('Another operation on deployment stack "cf-a" is still running. [DeploymentStackInNonTerminalState]');
    expect(cli.hint).to.include('cf-infra list');
  });
});

// The deployment file (deployments/<name>.yaml) and the catalogue/regions files: their shapes.
import { parseCidr } from '../cidr/ipv4.ts';
import { eventHubNamePattern, eventHubNameRule } from './azure-limits.ts';
import { settingsSpec } from './profile-schema.ts';
import type { Spec } from './schema.ts';
import { eventHubsProtocols } from './types.ts';

export const deploymentNamePattern = /^([a-z][a-z0-9]*)-([a-z][a-z0-9]*)-([1-9][0-9]*)$/;
export const deploymentNameRule = '{regionCode}-{environment}-{instance}: lower-case letters and digits, e.g. westeu-test-1';

const sourceRange: Spec = {
  kind: 'string',
  rule: 'an IPv4 CIDR block (a.b.c.d/n, network address) of the administrators\' public ranges',
  test: (value) => parseCidr(value).ok,
};

/**
 * Who may reach the mgmt subnet over SSH (22) and RDP (3389). Per deployment and required: no
 * environment-wide default can know a team's real public ranges (the old profiles carried the
 * documentation range 203.0.113.0/24), so each deployment states them, or [] to close SSH/RDP.
 */
export const managementSourceRangesSpec: Spec = {
  kind: 'array',
  items: sourceRange,
  unique: true,
  rule: "a list of the administrators' public IPv4 CIDR blocks allowed to reach the mgmt subnet over SSH (22) and RDP (3389), e.g. [198.51.100.0/24], or [] to close SSH/RDP",
};

/** Fields of a deployment file; `overrides` is checked separately as a deep partial of the profile. */
export const deploymentSpec: Spec = {
  kind: 'object',
  fields: {
    name: { spec: { kind: 'string', rule: deploymentNameRule, test: (value) => deploymentNamePattern.test(value) } },
    regionCode: { spec: { kind: 'string', rule: 'a region code from deployments/regions.yaml (lower-case letters and digits)', test: (value) => /^[a-z][a-z0-9]*$/.test(value) } },
    environment: { spec: { kind: 'string', rule: 'an environment with a profile in deployments/profiles/ (lower-case letters and digits)', test: (value) => /^[a-z][a-z0-9]*$/.test(value) } },
    instance: { spec: { kind: 'integer', min: 1, rule: 'a positive integer (1, 2, ...)' } },
    addressSpace: { spec: { kind: 'string', rule: 'a private IPv4 /16 such as 10.60.0.0/16' } },
    description: { spec: { kind: 'string', rule: 'free text' }, optional: true },
    managementSourceRanges: { spec: managementSourceRangesSpec },
    overrides: { spec: settingsSpec, optional: true, partial: true },
  },
};

export const regionsSpec: Spec = {
  kind: 'record',
  keyPattern: /^[a-z][a-z0-9]{1,9}$/,
  keyRule: 'region codes of 2-10 lower-case letters and digits, starting with a letter',
  values: {
    kind: 'object',
    fields: {
      location: { spec: { kind: 'string', rule: 'an Azure location name such as westeurope (lower-case letters and digits)', test: (value) => /^[a-z][a-z0-9]+$/.test(value) } },
      displayName: { spec: { kind: 'string', rule: 'the region\'s display name, e.g. West Europe', test: (value) => value.trim().length > 0 } },
    },
  },
};

export const catalogSpec: Spec = {
  kind: 'object',
  fields: {
    services: { spec: { kind: 'array', minItems: 1, unique: true, items: { kind: 'string', rule: 'a service name of lower-case letters and digits', test: (value) => /^[a-z][a-z0-9]*$/.test(value) } } },
    protocols: { spec: { kind: 'record', keyPattern: /^[a-z][a-z0-9]*$/, keyRule: 'services from services', values: { kind: 'enum', values: eventHubsProtocols } } },
    eventHubs: {
      spec: {
        kind: 'array',
        minItems: 1,
        items: {
          kind: 'object',
          fields: {
            name: { spec: { kind: 'string', rule: `an event hub name of ${eventHubNameRule}`, test: (value) => eventHubNamePattern.test(value) } },
            partitions: { spec: { kind: 'integer', min: 1, max: 32, rule: 'partitions from 1 to 32 (the Standard tier\'s maximum per event hub)' } },
            consumers: { spec: { kind: 'array', unique: true, items: { kind: 'string', rule: 'a service from services' } } },
          },
        },
      },
    },
  },
};

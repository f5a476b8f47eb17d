// The deployment file (deployments/<name>.yaml) and the catalogue/regions files: their shapes.
import { eventHubNamePattern, eventHubNameRule } from './azure-limits.ts';
import { settingsSpec } from './profile-schema.ts';
import type { Spec } from './schema.ts';
import { eventHubsProtocols } from './types.ts';

export const deploymentNamePattern = /^([a-z][a-z0-9]*)-([a-z][a-z0-9]*)-([1-9][0-9]*)$/;
export const deploymentNameRule = '{regionCode}-{environment}-{instance}: lower-case letters and digits, e.g. westeu-test-1';

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

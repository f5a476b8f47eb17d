// The registry's data once validated: what deployments/*.yaml, profiles, regions and the catalogue say.
import type { Cidr } from '../cidr/ipv4.ts';

export type Environment = string;

export interface Profile {
  environment: Environment;
  tags: { owner: string; costCenter: string };
  budget: { monthlyUsd: number; contacts: string[] };
  stack: {
    actionOnUnmanage: { resources: 'delete' | 'detach'; resourceGroups: 'delete' | 'detach' };
    denySettings: { mode: 'none' | 'denyDelete' | 'denyWriteAndDelete'; applyToChildScopes?: boolean };
  };
  network: { flowLogRetentionDays: number };
  monitoring: {
    logAnalytics: { retentionDays: number; dailyCapGb: number };
    appInsightsSamplingPercentage: number | null;
    alertEmails: string[];
  };
  database: {
    version: string;
    sku: { name: string; tier: 'Burstable' | 'GeneralPurpose' | 'MemoryOptimized' };
    storageSizeGb: number;
    storageAutoGrow: boolean;
    backupRetentionDays: number;
    geoRedundantBackup: boolean;
    highAvailability: boolean;
    pgbouncer: boolean;
    maxConnections: number;
  };
  redis: { sku: string; highAvailability: boolean; persistence: 'none' | 'rdb' | 'aof'; evictionPolicy: string };
  messaging: {
    sku: 'Basic' | 'Standard' | 'Premium';
    throughputUnits: number;
    autoInflate: boolean;
    maxThroughputUnits: number;
    zoneRedundant: boolean;
    messageRetentionHours: number;
  };
  keyVault: { sku: 'standard' | 'premium'; softDeleteRetentionDays: number; purgeProtection: boolean };
  registry: {
    sku: 'Basic' | 'Standard' | 'Premium';
    /** An ACR Tasks agent pool in the VNet, for a registry without public access (prod); null: none. */
    buildAgentPool: { tier: 'S1' | 'S2' | 'S3'; count: number } | null;
  };
}

/** The settings of a deployment: its profile with its overrides merged in, plus its own management ranges. */
export type DeploymentSettings = Omit<Profile, 'environment' | 'network'> & {
  network: Profile['network'] & { managementSourceRanges: string[] };
};

export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface Region {
  code: string;
  location: string;
  displayName: string;
}

export interface EventHub {
  name: string;
  partitions: number;
  consumers: string[];
}

/** How a service talks to Event Hubs (deployments/catalog.yaml protocols): kafka clients get their consumer groups on first use; amqp consumers need ARM consumer groups. */
export type EventHubsProtocol = 'kafka' | 'amqp';

export interface Catalog {
  services: string[];
  /** Service → its Event Hubs protocol (every service has one). */
  protocols: Record<string, EventHubsProtocol>;
  eventHubs: EventHub[];
}

export interface SubnetPlanEntry {
  tier: string;
  thirdOctet: number;
  purpose: string;
  environments: string[];
}

export interface SubnetPlan {
  prefixLength: number;
  subnets: SubnetPlanEntry[];
}

export interface DeploymentFile {
  name: string;
  regionCode: string;
  environment: Environment;
  instance: number;
  addressSpace: string;
  description?: string;
  /** SSH/RDP sources of the mgmt subnet; [] closes them. Required in every deployment file. */
  managementSourceRanges: string[];
  overrides?: DeepPartial<Omit<Profile, 'environment'>>;
  /** Repository-relative path, e.g. deployments/westeu-test-1.yaml. */
  file: string;
}

export interface Registry {
  /** The repository root the registry was read from. */
  root: string;
  regions: Record<string, Region>;
  profiles: Record<Environment, Profile & { file: string }>;
  catalog: Catalog;
  subnetPlan: SubnetPlan;
  /** Sorted by name. */
  deployments: DeploymentFile[];
}

export interface Subnet {
  tier: string;
  name: string;
  nsgName: string;
  prefix: string;
  purpose: string;
}

export type { Cidr };

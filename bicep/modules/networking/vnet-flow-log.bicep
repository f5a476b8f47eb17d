metadata name = 'VNet flow log'
metadata description = 'A VNet flow log with traffic analytics on Azure\'s existing per-region Network Watcher. Deployed to the watcher\'s resource group (NetworkWatcherRG) by the networking tier.'

import { tagsType } from '../../shared/types.bicep'

@description('Required. Azure region of the watcher and the VNet.')
param location string

@description('Required. Tags of the flow log.')
param tags tagsType

@description('Required. Name of the existing Network Watcher of the region (created by bootstrap).')
param networkWatcherName string

@description('Required. Name of the flow log.')
param flowLogName string

@description('Required. Resource id of the virtual network whose flows are logged.')
param targetResourceId string

@description('Required. Resource id of the storage account that receives the flow logs.')
param storageAccountResourceId string

@description('Required. Days the flow logs are kept (0: forever).')
@minValue(0)
@maxValue(365)
param retentionDays int

@description('Required. Resource id of the Log Analytics workspace of traffic analytics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Workspace (customer) id of the Log Analytics workspace.')
param logAnalyticsWorkspaceCustomerId string

@description('Required. Azure region of the Log Analytics workspace.')
param logAnalyticsWorkspaceLocation string

resource networkWatcher 'Microsoft.Network/networkWatchers@2025-05-01' existing = {
  name: networkWatcherName
}

resource flowLog 'Microsoft.Network/networkWatchers/flowLogs@2025-05-01' = {
  parent: networkWatcher
  name: flowLogName
  location: location
  tags: tags
  properties: {
    enabled: true
    targetResourceId: targetResourceId
    storageId: storageAccountResourceId
    format: {
      type: 'JSON'
      version: 2
    }
    retentionPolicy: {
      enabled: retentionDays > 0
      days: retentionDays
    }
    flowAnalyticsConfiguration: {
      networkWatcherFlowAnalyticsConfiguration: {
        enabled: true
        workspaceResourceId: logAnalyticsWorkspaceResourceId
        workspaceId: logAnalyticsWorkspaceCustomerId
        workspaceRegion: logAnalyticsWorkspaceLocation
        trafficAnalyticsInterval: 10
      }
    }
  }
}

@description('Resource id of the flow log.')
output resourceId string = flowLog.id

@description('Name of the flow log.')
output name string = flowLog.name

// A small setup: one region, pay-as-you-go only (no PTU), a small Global Batch quota, one gateway replica with its
// state in a Basic C0 Redis (so that scaling out is a parameter change), Burstable PostgreSQL. For a team or a pilot;
// not zone- or region-redundant.
using 'main.bicep'

param namePrefix = 'tgsmall'
param location = 'swedencentral'
param openAiRegions = [
  {
    location: 'swedencentral'
    ptuCapacity: 0
    ptuSku: 'GlobalProvisionedManaged'
    paygCapacity: 50
    paygSku: 'GlobalStandard'
  }
]
param chatModel = { name: 'gpt-4o', version: '2024-11-20' }
param batchRegionIndex = 0
param batchCapacity = 1000
param image = readEnvironmentVariable('TOKENGATE_IMAGE', 'ghcr.io/contoso/tokengate:latest')
param registryServer = readEnvironmentVariable('TOKENGATE_REGISTRY', '')
param registryResourceId = readEnvironmentVariable('TOKENGATE_REGISTRY_ID', '')
param externalIngress = false
param replicaCpu = '0.5'
param replicaMemory = '1Gi'
param minReplicas = 1
param maxReplicas = 1
param postgresSkuName = 'Standard_B1ms'
param postgresTier = 'Burstable'
param postgresStorageGb = 32
param postgresHighAvailability = false
param postgresGeoRedundantBackup = false
param postgresAdministratorPassword = readEnvironmentVariable('TOKENGATE_POSTGRES_PASSWORD')
param redisSku = 'Basic'
param redisCapacity = 0
param storageSku = 'Standard_GRS'
param keyVaultSku = 'standard'
param logRetentionDays = 30
param tags = { workload: 'tokengate', environment: 'small' }

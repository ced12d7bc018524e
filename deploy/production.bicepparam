// A production setup: three regions, provisioned throughput (PTU) first in two of them with pay-as-you-go overflow in
// all three, Global Batch for deferred work, three to six gateway replicas sharing state in Redis, zone-redundant
// PostgreSQL with geo-redundant backups, RA-GZRS storage, an HSM-backed key-encryption key.
using 'main.bicep'

param namePrefix = 'tgprod'
param location = 'swedencentral'
param openAiRegions = [
  {
    location: 'swedencentral'
    ptuCapacity: 50
    ptuSku: 'GlobalProvisionedManaged'
    paygCapacity: 300
    paygSku: 'GlobalStandard'
  }
  {
    location: 'eastus2'
    ptuCapacity: 50
    ptuSku: 'GlobalProvisionedManaged'
    paygCapacity: 300
    paygSku: 'GlobalStandard'
  }
  {
    location: 'westus3'
    ptuCapacity: 0
    ptuSku: 'GlobalProvisionedManaged'
    paygCapacity: 300
    paygSku: 'GlobalStandard'
  }
]
param chatModel = { name: 'gpt-4o', version: '2024-11-20' }
param batchRegionIndex = 0
param batchCapacity = 50000
param contentSafetyLocation = 'swedencentral'
param image = readEnvironmentVariable('TOKENGATE_IMAGE', 'ghcr.io/contoso/tokengate:latest')
param registryServer = readEnvironmentVariable('TOKENGATE_REGISTRY', '')
param registryResourceId = readEnvironmentVariable('TOKENGATE_REGISTRY_ID', '')
param externalIngress = false
param replicaCpu = '2.0'
param replicaMemory = '4Gi'
param minReplicas = 3
param maxReplicas = 6
param postgresSkuName = 'Standard_D2ds_v5'
param postgresTier = 'GeneralPurpose'
param postgresStorageGb = 128
param postgresHighAvailability = true
param postgresGeoRedundantBackup = true
param postgresAdministratorPassword = readEnvironmentVariable('TOKENGATE_POSTGRES_PASSWORD')
param redisSku = 'Premium'
param redisCapacity = 1
param storageSku = 'Standard_RAGZRS'
param keyVaultSku = 'premium'
param logRetentionDays = 90
param tags = { workload: 'tokengate', environment: 'production' }

// The shim logs every rejected transaction (and each @Transaction at load) through winston; unit tests expect
// hundreds of rejections. Must be imported before fabric-contract-api / fabric-shim.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';

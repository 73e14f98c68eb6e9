// The tests' testnet(n) and waitFor are the package's own (src/testnet.ts), so what users get to
// test their agents is what our tests run on.
export { testnet, waitFor, LOCALHOST_LIMITS, type Testnet, type TestnetOptions, type Teardown } from '../../src/testnet.ts'

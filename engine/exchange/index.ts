/** The one exchange gateway: only this folder imports ccxt. */
export { CircuitBreaker, type BreakerConfig, type Gate } from './breaker';
export { ccxtExchangeIds, exchangeHas, loadCcxt, type Exchange, type Market, type Order } from './ccxt';
export { classify, collectorKind, ERROR_TABLE, ExchangeFault, isErrorClass, parseRetryAfter, type ErrorKind, type ErrorRow, type Policy } from './errors';
export { DEFAULT_BREAKER, DEFAULT_RETRY, EndpointLink, exchangeGateway, ExchangeGateway, ExchangeLink, type InstanceSpec } from './gateway';
export type { CallOptions, EndpointState, RequestObserver, RetryPolicy } from './retry';
export { endpointKey, overrideUrls, rebase } from './urls';

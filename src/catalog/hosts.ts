// Where the API lives, directly and through RapidAPI: stated once for the whole tool (the simulator keeps its own).
export const DIRECT_HOST = 'api.mashvisor.com';
export const DIRECT_BASE_URL = `https://${DIRECT_HOST}/v1.1`;
export const RAPIDAPI_HOST = 'mashvisor-api.p.rapidapi.com';
export const RAPIDAPI_BASE_URL = `https://${RAPIDAPI_HOST}`;

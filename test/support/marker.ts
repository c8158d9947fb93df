// A text no other request carries: a test finds the requests it caused by it (at the mock, in logs).
export const marker = (label: string): string => `${label}-${Math.random().toString(36).slice(2, 10)}`;

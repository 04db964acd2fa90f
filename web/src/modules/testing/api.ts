import { api, qs } from '../../shared/api';

export interface Campaign {
  id: number;
  title: string;
  areaCode: string;
  poolSize: number;
  startsAt: string;
  targetEnd: string;
  status: 'running' | 'closed';
  actions: string[];
}
export interface ScanAnswer {
  id: string;
  outcome: 'recorded' | 'already_recorded' | 'refused';
  tube: string;
  members?: number;
  poolSize?: number;
  repeat?: boolean;
  code?: string;
}
export interface Counts {
  expected: number;
  sampled: number;
  resulted: number;
  positive: number;
}
export interface CoverageRow extends Counts {
  code: string;
  name: string;
  level: string;
}
export interface Board {
  area: string;
  totals: Counts;
  children: CoverageRow[];
  stages: { status: string; tubes: number; swabs: number; oldestMinutes: number | null }[];
  labs: { labId: number; name: string; capacityPerDay: number; backlog: number; resulted24h: number }[];
  hourly: { hour: string; swabs: number }[];
  recalls: { pending: number; total: number };
}
export interface Recall {
  id: number;
  tube: string;
  reason: string;
  status: string;
  createdAt: string;
  name: string;
  phone: string | null;
  householdNo: string | null;
  address: string | null;
  areaName: string | null;
}
export interface MyResults {
  name: string;
  code: string;
  areaName: string | null;
  samples: { campaign: string; scannedAt: string; pooled: boolean; result: string | null; resultedAt: string | null; recall: string | null }[];
}
export interface ResultsReport {
  recorded: number;
  corrected: number;
  recalled: number;
  rejected: { row: number; tube: string; field: string; reason: string; message: string }[];
}

export const testingApi = {
  campaigns: () => api.get<Campaign[]>('/testing/campaigns'),
  campaign: (id: string | number) => api.get<Campaign>(`/testing/campaigns/${id}`),
  create: (body: { title: string; poolSize: number; startsAt: string; targetEnd: string; areaCode?: string }) => api.post<Campaign>('/testing/campaigns', body),
  board: (id: string | number, area?: string) => api.get<Board>(`/testing/campaigns/${id}/board${qs({ area })}`),
  recalls: (id: string | number, area?: string) => api.get<{ pending: number; recalls: Recall[] }>(`/testing/campaigns/${id}/recalls${qs({ area })}`),
  untestedUrl: (id: string | number, area?: string) => `/api/v1/testing/campaigns/${id}/untested${qs({ area, format: 'xlsx' })}`,
  eventsUrl: (id: string | number) => `/api/v1/testing/campaigns/${id}/events`,
  scans: (scans: { id: string; campaignId: number; tube: string; person: string; at: string }[]) => api.post<{ results: ScanAnswer[] }>('/testing/scans', { scans }),
  seal: (tube: string) => api.post(`/testing/tubes/${encodeURIComponent(tube)}/seal`),
  uploadResults: (file: File) => api.upload<ResultsReport>('/testing/results/file', file),
  receive: (box: string) => api.post<{ box: string; tubes: number; lab: string }>(`/testing/boxes/${encodeURIComponent(box)}/receive`),
  me: (code: string) => api.get<MyResults>(`/testing/me/${encodeURIComponent(code)}`),
  lookup: (body: { idNumber: string; name: string; phone: string }) => api.post<MyResults>('/testing/lookup', body),
};

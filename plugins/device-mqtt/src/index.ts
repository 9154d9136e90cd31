import { definePlugin } from '@tongguan/plugin-sdk';
export default definePlugin({ id: 'device-mqtt', version: '0.1.0', platformRange: '^0.1.0', kind: 'deviceProtocol', setup() {} });

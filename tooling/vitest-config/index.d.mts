import type { ViteUserConfig } from 'vitest/config'
export declare function unitConfig(overrides?: ViteUserConfig): ViteUserConfig
export declare function integrationConfig(overrides?: ViteUserConfig): ViteUserConfig

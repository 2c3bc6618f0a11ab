import { z } from 'zod';

// Validation messages reach users (form field details, import rejection reasons): schemas give
// their own Chinese text where it matters, and zod's defaults are Chinese too.
z.config(z.locales.zhCN());

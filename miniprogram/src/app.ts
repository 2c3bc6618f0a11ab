import type { PropsWithChildren } from 'react';

import '@nutui/nutui-react-taro/dist/style.css';
import './app.scss';

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;

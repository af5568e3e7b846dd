import socket

def udp_server(host='127.0.0.1', port=12345):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, port))
        print(f"UDP server listening on {host}:{port}")
        while True:
            data, addr = s.recvfrom(1024)  # 缓冲区大小
            print(f"Received {data.decode('utf-8')} from {addr}")
            # 处理数据(这里只是简单地将数据转换为大写)
            response = data.decode('utf-8').upper().encode('utf-8')
            # 发送响应回客户端
            s.sendto(response, addr)

if __name__ == "__main__":
    udp_server()

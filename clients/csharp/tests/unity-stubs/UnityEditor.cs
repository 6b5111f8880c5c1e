// Declarations of the few UnityEditor members the example editor script uses (see UnityEngine.cs).
using System;

namespace UnityEditor
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class MenuItem : Attribute
    {
        public MenuItem(string itemName) { }
    }

    public static class Selection
    {
        public static UnityEngine.Object activeObject { get { return null; } }
    }

    public static class AssetDatabase
    {
        public static void ImportAsset(string path) { }
        public static UnityEngine.Object LoadMainAssetAtPath(string assetPath) { return null; }
    }

    public static class EditorGUIUtility
    {
        public static void PingObject(UnityEngine.Object obj) { }
    }

    public static class EditorUtility
    {
        public static void RevealInFinder(string path) { }
    }
}
